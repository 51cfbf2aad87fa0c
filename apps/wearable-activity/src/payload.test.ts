import { describePayloadContract } from '@murmur/payload/contract';
import { payloadExamples, payloadSchema } from './payload';

describePayloadContract('wearable-activity', payloadSchema, payloadExamples, 6);
