#!/bin/sh
# Joins the six Redis nodes of docker-compose.yml into a cluster of three masters with a replica
# each, once; later runs find it formed and do nothing.
set -eu
NODES="redis-1 redis-2 redis-3 redis-4 redis-5 redis-6"

if redis-cli -h redis-1 cluster info | grep -q '^cluster_state:ok'; then
  echo "the cluster is already formed"
  exit 0
fi

# CLUSTER MEET (which --cluster create uses) takes addresses; clients are told the hostnames
# (cluster-announce-hostname), which survive a container's new address.
addresses=""
for host in $NODES; do
  addresses="$addresses $(getent hosts "$host" | awk '{ print $1 }'):6379"
done
# shellcheck disable=SC2086
redis-cli --cluster create $addresses --cluster-replicas 1 --cluster-yes

until redis-cli -h redis-1 cluster info | grep -q '^cluster_state:ok'; do sleep 1; done
echo "the cluster is formed"
