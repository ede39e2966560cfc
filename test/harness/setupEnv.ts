// Tests log warnings and errors only, unless CONFAB_LOG_LEVEL says otherwise.
import { configureLogging } from '../../common/logger';

if (!process.env.CONFAB_LOG_LEVEL) configureLogging({ level: 'warn' });
