/** The communications library: facts, templates, rendering, checking and channels. */
export { factsSchema, parseFacts, normalizeFacts, recoveryFacts, durationSeconds, type Facts, type FactsInput } from './facts.js';
export { BUILTIN_TEMPLATES, builtinTemplatesDir, readBuiltinTemplate, type BuiltinTemplate } from './builtin-templates.js';
export { splitTemplate, type MessageTemplate } from './template-file.js';
export { renderTemplate, type RenderedMessage, type RenderTemplateOptions } from './render.js';
export { templateProblems } from './template-problems.js';
export { createMessage, type OutgoingMessage, type CreateMessageOptions } from './message.js';
export { send, delay } from './channels/send.js';
export { outboxFileText } from './channels/outbox-channel.js';
export { slackPayload, teamsPayload } from './channels/webhook-channel.js';
export { redactUrlPath } from './channels/redact-secrets.js';
export type { ChannelConfig, OutboxChannelConfig, SmtpChannelConfig, SlackChannelConfig, TeamsChannelConfig, SendOptions, SendResult, Backoff } from './channels/channel-types.js';
export { Notifier, type Addressed, type MessageContext, type MessageReport, type PreparedMessage } from './notifier.js';
export { announceMoment } from './announce-moment.js';
export { currentFacts, planFacts, runFacts, goLiveFacts, decisionFacts, triggerFacts, decisionEvaluations } from './moment-facts.js';
export { listTemplates, readTemplate, type TemplateEntry } from './template-source.js';
export { planChannels, type PlanChannel, type PlanChannels } from './plan-channels.js';
