/** One problem with one field of a request, addressed by JSON pointer (`/intervalSeconds`). */
export interface FieldError {
  readonly path: string;
  readonly message: string;
}
