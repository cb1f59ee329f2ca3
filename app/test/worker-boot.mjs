// Worker-thread bootstrap: registers tsx's TypeScript loader in this thread, then runs the host.
import { register } from 'tsx/esm/api';

register();
await import('./worker-host.ts');
