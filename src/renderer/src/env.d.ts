// Lets TypeScript accept Vite-handled imports (CSS, assets) in the renderer.
/// <reference types="vite/client" />
