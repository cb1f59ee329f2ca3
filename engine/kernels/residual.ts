// The residual stream's update after a block, with the two norms every block's record carries:
// x += y, then ‖y_t‖ (what the block added) and ‖x_t‖ (the stream after it) for each token.
import { rowNorms } from './rmsnorm';

/**
 * In place: x (T, D) += y (T, D); yNorms (T) = ‖y_t‖ and xNorms (T) = ‖x_t‖ after the add, each a
 * float64 sum of squares in rowNorms' order (four chains over i mod 4), stored as float32.
 */
export function residualAdd(x: Float32Array, y: Float32Array, T: number, D: number, yNorms: Float32Array, xNorms: Float32Array): void {
  for (let j = 0; j < T * D; j++) x[j] += y[j];
  rowNorms(yNorms, y, T, D);
  rowNorms(xNorms, x, T, D);
}
