export * from './csv.js';
export * from './npy.js';
export * from './vtp.js';
export * from './landscape.js';
export * from './hdf5.js';
export * from './formats.js';
