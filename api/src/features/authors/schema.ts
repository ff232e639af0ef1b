export {
  type AuthorList,
  AuthorListSchema,
  type AuthorProfile,
  AuthorProfileSchema,
  type UpdateAuthorProfileInput,
  UpdateAuthorProfileSchema,
} from '@blog/contract';
