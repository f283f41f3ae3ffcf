// The Hugging Face libraries, loaded on the first Hub question (~0.5 s of imports) rather than at every start: most
// answers come from the catalog. One shared promise, so a burst of first questions imports them once.
let hub: Promise<typeof import('@huggingface/hub')> | undefined;
let gguf: Promise<typeof import('@huggingface/gguf')> | undefined;

export const hfHub = () => (hub ??= import('@huggingface/hub'));
export const hfGguf = () => (gguf ??= hfHub().then(() => import('@huggingface/gguf')));
