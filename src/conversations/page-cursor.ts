export interface PageCursor {
  score: number;
  id: string;
}

export function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(`${cursor.score}:${cursor.id}`).toString('base64url');
}

export function decodeCursor(text: string): PageCursor | undefined {
  const match = /^(\d{1,16}):([A-Za-z0-9_-]{1,64})$/.exec(
    Buffer.from(text, 'base64url').toString(),
  );
  return match ? { score: Number(match[1]), id: match[2] } : undefined;
}
