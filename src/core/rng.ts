// Seeded randomness: the generator lives in the bottom layer (src/ir/rng.ts), shared with the zoo's initialiser;
// core code keeps importing it from here.
export * from '../ir/rng.js';
