// VTK XML PolyData (.vtp, ASCII) for ParaView/VisIt: a surface as a quad mesh over (α, β, loss), a curve as a
// polyline over (λ, loss, 0); the numbers ride along as point data. Quads touching a missing value are left out.
// Non-finite values are written as NaN, Infinity, -Infinity (core/runs/non-finite.ts), a missing one (null) as NaN.
import { encodeNumber } from '../runs/non-finite.js';

export interface VtpArrays { [name: string]: readonly (number | null)[] }

function num(v: number | null): string {
  return v === null ? 'NaN' : String(encodeNumber(v));
}

function pointData(arrays: VtpArrays): string {
  return Object.entries(arrays).map(([name, values]) =>
    `<DataArray type="Float64" Name="${name}" format="ascii">${values.map(num).join(' ')}</DataArray>`).join('\n');
}

function piece(points: number[][], cells: { tag: 'Lines' | 'Polys'; connectivity: number[]; offsets: number[] }, arrays: VtpArrays): string {
  const counts = { Lines: cells.tag === 'Lines' ? cells.offsets.length : 0, Polys: cells.tag === 'Polys' ? cells.offsets.length : 0 };
  return `<?xml version="1.0"?>
<VTKFile type="PolyData" version="1.0" byte_order="LittleEndian">
<PolyData>
<Piece NumberOfPoints="${points.length}" NumberOfVerts="0" NumberOfLines="${counts.Lines}" NumberOfStrips="0" NumberOfPolys="${counts.Polys}">
<Points>
<DataArray type="Float64" NumberOfComponents="3" format="ascii">${points.map((p) => p.map((v) => String(v)).join(' ')).join(' ')}</DataArray>
</Points>
<PointData Scalars="loss">
${pointData(arrays)}
</PointData>
<${cells.tag}>
<DataArray type="Int64" Name="connectivity" format="ascii">${cells.connectivity.join(' ')}</DataArray>
<DataArray type="Int64" Name="offsets" format="ascii">${cells.offsets.join(' ')}</DataArray>
</${cells.tag}>
</Piece>
</PolyData>
</VTKFile>
`;
}

/** z of the mesh is the loss; a missing loss puts its point at z = 0 and leaves out every quad that uses it. */
export function surfaceVtp(x: readonly number[], y: readonly number[], grids: VtpArrays & { loss: readonly (number | null)[] }): string {
  const nx = x.length, ny = y.length;
  if (grids.loss.length !== nx * ny) throw new Error(`vtp: loss has ${grids.loss.length} values, expected ${nx}×${ny}`);
  const ok = (k: number): boolean => { const v = grids.loss[k]; return v !== null && v !== undefined && Number.isFinite(v); };
  const points: number[][] = [];
  for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) points.push([x[i]!, y[j]!, ok(j * nx + i) ? grids.loss[j * nx + i]! : 0]);
  const connectivity: number[] = [], offsets: number[] = [];
  for (let j = 0; j + 1 < ny; j++) {
    for (let i = 0; i + 1 < nx; i++) {
      const quad = [j * nx + i, j * nx + i + 1, (j + 1) * nx + i + 1, (j + 1) * nx + i];
      if (!quad.every(ok)) continue;
      connectivity.push(...quad);
      offsets.push(connectivity.length);
    }
  }
  return piece(points, { tag: 'Polys', connectivity, offsets }, grids);
}

/** One polyline through the finite points, in λ order. */
export function curveVtp(lambdas: readonly number[], arrays: VtpArrays & { loss: readonly (number | null)[] }): string {
  const points = lambdas.map((l, i) => { const v = arrays.loss[i]; return [l, v !== null && v !== undefined && Number.isFinite(v) ? v : 0, 0]; });
  const connectivity = lambdas.map((_, i) => i).filter((i) => Number.isFinite(arrays.loss[i] ?? NaN));
  return piece(points, { tag: 'Lines', connectivity, offsets: connectivity.length ? [connectivity.length] : [] }, arrays);
}
