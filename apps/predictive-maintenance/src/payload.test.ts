import { describePayloadContract } from '@murmur/payload/contract';
import { payloadExamples, payloadSchema } from './payload';

describePayloadContract('predictive-maintenance', payloadSchema, payloadExamples, 9);
