// What other workspaces may import from the API: its route types (the contract's route map is
// checked against them). Every wire type itself lives in @blog/contract.
export type { AppType } from './app.js';
