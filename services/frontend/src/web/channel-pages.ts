import type { Pool } from '@pingdummy/shared';
import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import {
  CHANNEL_KINDS,
  CHANNEL_TEXT_LIMITS,
  ChannelInput,
  addChannel,
  getSigningSecret,
  type Channel,
  type CreatedChannel,
  deleteChannel,
  getChannel,
  getDelivery,
  listChannels,
  queueTestDelivery,
  updateChannel,
} from '../data/channels.js';
import { FieldValidationError } from '../data/errors.js';
import { validateInput } from '../data/validate-input.js';
import { currentUser } from './auth.js';
import { parseForm, text, type FieldErrors } from './forms.js';
import { notFound } from './http-errors.js';
import { saveSession } from './session.js';
import { CHANNEL_KIND_LABELS } from './channel-kind-labels.js';
import { EMAIL_UNCONFIGURED, type Renderer } from './render.js';

const ChannelForm = z.strictObject({ _csrf: text(200).optional(), name: text(), kind: text(20), target: text(), secret: text().optional() });
const ActionForm = z.strictObject({ _csrf: text(200).optional() });
/** The form's values; a typed secret is never written back into the page. */
type ChannelValues = { name: string; kind: string; target: string; secret?: string };

/** Notification channels (webhook, email and the native integrations): list, create, edit, delete, "send a test", signing secret. */
export function addChannelPages(router: Router, options: { db: Pool; renderer: Renderer; emailDeliveryConfigured: boolean }): void {
  const { db, renderer, emailDeliveryConfigured } = options;
  /** The notice after a create or save: an email channel that cannot be delivered to is said so. */
  const noticeFor = (action: 'created' | 'saved', kind: string) =>
    kind === 'email' && !emailDeliveryConfigured ? `email-channel-${action}-unconfigured` : `channel-${action}`;

  const showForm = (req: Request, res: Response, channel: { id: string; secretSet: boolean } | null, values: ChannelValues, errors: FieldErrors, status = 200) =>
    renderer.page(
      req,
      res,
      'channel-form',
      {
        title: channel ? `Edit ${values.name}` : 'New channel',
        channelId: channel?.id ?? null,
        secretSet: channel?.secretSet ?? false,
        values: { ...values, secret: '' },
        errors,
        kinds: CHANNEL_KINDS,
        kindLabels: CHANNEL_KIND_LABELS,
        limits: CHANNEL_TEXT_LIMITS,
        emailDeliveryConfigured,
      },
      status,
    );
  const showSigningSecret = (req: Request, res: Response, channel: Channel, signingSecret: string) =>
    renderer.page(req, res, 'channel-secret', { title: `Signing secret of ${channel.name}`, channel, signingSecret, scripts: ['/static/js/copy-token.js'] });

  /** The form's values, or null after re-rendering it with field errors. */
  function validated(req: Request, res: Response, channel: { id: string; secretSet: boolean } | null): ChannelValues | null {
    const { _csrf: _ignored, ...values } = parseForm(ChannelForm, req);
    const parsed = validateInput(ChannelInput, values);
    if (parsed.success) return values;
    showForm(req, res, channel, values, parsed.errors, 422);
    return null;
  }

  router.get('/channels', async (req, res) => {
    const channels = await listChannels(db, currentUser(res).accountId);
    const emailWarning = !emailDeliveryConfigured && channels.some((channel) => channel.kind === 'email') ? EMAIL_UNCONFIGURED : null;
    const newSigningSecret = req.session.newSigningSecret ?? null;
    delete req.session.newSigningSecret;
    renderer.page(req, res, 'channels', {
      title: 'Notification channels',
      channels,
      newSigningSecret,
      emailDeliveryConfigured,
      emailWarning,
      scripts: ['/static/js/channels.js', ...(newSigningSecret ? ['/static/js/copy-token.js'] : [])],
    });
  });

  router.get('/channels/new', (req, res) => showForm(req, res, null, { name: '', kind: 'webhook', target: '' }, {}));

  router.post('/channels', async (req, res) => {
    const values = validated(req, res, null);
    if (!values) return;
    let created: CreatedChannel;
    try {
      created = await addChannel(db, currentUser(res).accountId, values as ChannelInput);
    } catch (error) {
      if (!(error instanceof FieldValidationError)) throw error;
      return showForm(req, res, null, values, error.fields, 422);
    }
    if (created.signingSecret) {
      // Post/redirect/get, as for API tokens: the secret waits in the session (never in a URL) for the one GET
      // of /channels that shows it and drops it; saved before the redirect so that GET finds it.
      req.session.newSigningSecret = { channelId: created.channel.id, channelName: created.channel.name, secret: created.signingSecret };
      await saveSession(req);
    }
    res.redirect(303, `/channels?notice=${noticeFor('created', values.kind)}`);
  });

  router.get('/channels/:id/edit', async (req, res) => {
    const channel = await getChannel(db, currentUser(res).accountId, req.params.id);
    if (!channel) throw notFound('channel');
    showForm(req, res, channel, channel, {});
  });

  router.post('/channels/:id', async (req, res) => {
    const { accountId } = currentUser(res);
    const existing = await getChannel(db, accountId, req.params.id);
    if (!existing) throw notFound('channel');
    const values = validated(req, res, existing);
    if (!values) return;
    try {
      if (!(await updateChannel(db, accountId, existing.id, values as ChannelInput))) throw notFound('channel');
    } catch (error) {
      if (!(error instanceof FieldValidationError)) throw error;
      return showForm(req, res, existing, values, error.fields, 422);
    }
    res.redirect(303, `/channels?notice=${noticeFor('saved', values.kind)}`);
  });

  // On demand, behind the session and CSRF token: a POST, so the secret never sits in a cacheable GET.
  router.post('/channels/:id/signing-secret', async (req, res) => {
    parseForm(ActionForm, req);
    const { accountId } = currentUser(res);
    const [channel, signingSecret] = await Promise.all([getChannel(db, accountId, req.params.id), getSigningSecret(db, accountId, req.params.id)]);
    if (!channel || !signingSecret) throw notFound('webhook channel');
    res.set('cache-control', 'no-store');
    showSigningSecret(req, res, channel, signingSecret);
  });

  router.post('/channels/:id/delete', async (req, res) => {
    parseForm(ActionForm, req);
    if (!(await deleteChannel(db, currentUser(res).accountId, req.params.id))) throw notFound('channel');
    res.redirect(303, '/channels?notice=channel-deleted');
  });

  // "Send a test": scripts get the delivery id as JSON and poll it; without JavaScript the page shows it.
  router.post('/channels/:id/test', async (req, res) => {
    parseForm(ActionForm, req);
    const deliveryId = await queueTestDelivery(db, currentUser(res).accountId, req.params.id);
    if (!deliveryId) throw notFound('channel');
    if ((req.get('accept') ?? '').startsWith('application/json')) {
      return void res.status(202).json({ deliveryId, statusUrl: `/channels/${req.params.id}/deliveries/${deliveryId}.json` });
    }
    res.redirect(303, `/channels/${req.params.id}/deliveries/${deliveryId}`);
  });

  router.get('/channels/:id/deliveries/:deliveryId.json', async (req, res) => {
    const delivery = await getDelivery(db, currentUser(res).accountId, req.params.deliveryId);
    if (!delivery) throw notFound('delivery');
    res.set('cache-control', 'no-store').json(delivery);
  });

  router.get('/channels/:id/deliveries/:deliveryId', async (req, res) => {
    const { accountId } = currentUser(res);
    const [channel, delivery] = await Promise.all([
      getChannel(db, accountId, req.params.id),
      getDelivery(db, accountId, req.params.deliveryId),
    ]);
    if (!channel || !delivery) throw notFound('delivery');
    renderer.page(req, res, 'delivery', { title: 'Test delivery', channel, delivery, deliveryId: req.params.deliveryId });
  });
}
