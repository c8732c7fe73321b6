// Interop with tomgoldstein/loss-landscape (Li et al. 2018): its HDF5 files in and out. This index only re-exports.
export * from './ll-h5.js';
export * from './ll-map.js';
export * from './import-ll.js';
export * from './export-ll.js';
