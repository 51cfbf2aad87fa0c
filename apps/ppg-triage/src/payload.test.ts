import { describePayloadContract } from '@murmur/payload/contract';
import { payloadExamples, payloadSchema } from './payload';

describePayloadContract('ppg-triage', payloadSchema, payloadExamples, 5);
