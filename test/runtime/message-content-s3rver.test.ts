/** The message content tests on s3rver: the built-in S3 endpoint passes the same tests (message-content.test.ts). */
import { describeMessageContent } from './message-content-cases';

describeMessageContent('s3rver');
