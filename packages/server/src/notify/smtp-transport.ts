import nodemailer from 'nodemailer';
import { errorMessage, UpstreamError } from '@sentinel-kit/core';
import type { ChannelOf, NotificationTransport } from '@sentinel-kit/core';

export interface SmtpTransportOptions {
  /** Time allowed to connect, greet and send. @default 15 s */
  timeoutMs?: number;
}

/**
 * E-mail over SMTP with nodemailer: one connection per message (digests and
 * alerts are rare; a pool would only hold sockets open). STARTTLS is used
 * whenever the server offers it; `require_tls` makes it mandatory.
 */
export function createSmtpTransport(options: SmtpTransportOptions = {}): NotificationTransport {
  const timeout = options.timeoutMs ?? 15_000;
  return {
    async send(channel, message, context) {
      const s = (channel as ChannelOf<'smtp'>).settings;
      const secure = s.secure ?? false;
      const transporter = nodemailer.createTransport({
        host: s.host,
        port: s.port ?? (secure ? 465 : 587),
        secure,
        requireTLS: s.require_tls ?? false,
        ...(s.username === undefined || s.username === '' ? {} : { auth: { user: s.username, pass: s.password ?? '' } }),
        tls: { rejectUnauthorized: !(s.allow_invalid_certificates ?? false) },
        connectionTimeout: timeout,
        greetingTimeout: timeout,
        socketTimeout: timeout,
      });
      const abort = (): void => transporter.close();
      context.signal.addEventListener('abort', abort, { once: true });
      try {
        await transporter.sendMail({
          from: s.from,
          to: s.to,
          subject: message.title,
          text: message.body,
          headers: { 'X-Sentinel-Event': message.event_type },
        });
      } catch (error) {
        throw new UpstreamError(`SMTP server ${s.host} refused the message: ${errorMessage(error)}`, { cause: error });
      } finally {
        context.signal.removeEventListener('abort', abort);
        transporter.close();
      }
    },
  };
}
