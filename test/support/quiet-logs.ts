import { Logger } from '@nestjs/common';

// Nest's console logger (used by code that runs outside an app, such as the store specs) stays quiet;
// the apps under test log through pino at LOG_LEVEL=silent.
Logger.overrideLogger(false);
