// `npm run web`: builds the explorer for the browser (engine service in a Web Worker) and serves it on localhost.
import { build, preview } from 'vite';

const configFile = new URL('../renderer/vite.web.config.ts', import.meta.url).pathname;
await build({ configFile, logLevel: 'warn' });
const port = Number(process.env.PORT ?? 5173);
const server = await preview({ configFile, preview: { port, strictPort: false } });
server.printUrls();
