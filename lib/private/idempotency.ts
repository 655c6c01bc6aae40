import * as iam from 'aws-cdk-lib/aws-iam';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IDEMPOTENCY_TABLE_ACTIONS, IDEMPOTENCY_TABLE_ENV } from '../../lambda/rules/idempotency';
import { check } from './errors';

/**
 * Let `fn` keep Powertools idempotency records in `table`: the four item actions Powertools calls on the
 * table's ARN alone (no index, no Scan/Query, no DescribeTable), the key when the table has a customer
 * managed one, and the table name in the environment. `environment` is the function's `environment` prop.
 */
export function useIdempotencyTable(fn: lambda.Function, table: dynamodb.ITable, environment: { [key: string]: string } | undefined): void {
  const given = environment?.[IDEMPOTENCY_TABLE_ENV];
  check(fn, given === undefined ? undefined
    : `environment sets ${IDEMPOTENCY_TABLE_ENV} (to ${JSON.stringify(given)}), which idempotencyTable sets to the table's name; remove it from environment`);
  iam.Grant.addToPrincipal({ grantee: fn, actions: [...IDEMPOTENCY_TABLE_ACTIONS], resourceArns: [table.tableArn] });
  // The same key actions aws-cdk-lib's grantReadWriteData gives: DynamoDB encrypts and decrypts items with the key on the caller's behalf.
  table.encryptionKey?.grant(fn, 'kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*');
  fn.addEnvironment(IDEMPOTENCY_TABLE_ENV, table.tableName);
}
