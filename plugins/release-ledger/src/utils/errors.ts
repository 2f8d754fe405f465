import { ResponseError } from '@backstage/errors';

/**
 * The message worth showing a user: the backend's own message for a failed
 * request ("unknown band set 'x'"), not "Request failed with 400 Error".
 */
export function errorMessage(error: Error): string {
  if (ResponseError.is(error) && error.cause?.message) {
    return error.cause.message;
  }
  return error.message;
}
