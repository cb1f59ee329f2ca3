// Entry of the renderer (web build and Electron): render the app, then start it (actions/firstScreen.ts:
// the engine host, the opening model, the autosave, what the OS asked to open, the first run).
// `#bench-map` renders only the 4k × 4k pan/zoom map for the frame-rate bench (renderer/e2e/).
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Engine } from '../../app/client';
import { createEngineClient } from '../../hosts/engine-client';
import { startApp } from './actions/firstScreen';
import { desktopApi } from './desktop';
import { App } from './App';
import { TooltipLayer } from './ui/Tooltip';
import { BenchMap } from './views/BenchMap';
import './styles.css';

const root = createRoot(document.getElementById('root')!);
if (location.hash === '#bench-map') {
  root.render(<BenchMap />);
} else {
  root.render(
    <StrictMode>
      <App />
      <TooltipLayer />
    </StrictMode>,
  );
  void startApp(new Engine(createEngineClient(desktopApi())));
}
