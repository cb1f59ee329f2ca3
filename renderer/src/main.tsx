// Entry of the renderer (web build and Electron): connect the engine host, render the app.
// `#bench-map` renders only the 4k × 4k pan/zoom map for the frame-rate bench (renderer/e2e/).
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Engine } from '../../app/client';
import { createEngineClient } from '../../hosts/engine-client';
import { startAutosave } from './actions/autosave';
import { connectEngine } from './actions/session';
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
  void connectEngine(new Engine(createEngineClient(desktopApi()))).then(startAutosave);
}
