import type { DigestBanner, DigestBannerDismissed, DigestSettings, DigestSettingsBody, DigestSettingsSaved, DigestTrigger } from '@sentinel-kit/core/contract';
import type { Transport } from '../internal/transport.js';

/** `/api/settings/digest`, `/api/digest/...`: the digest of pending updates and its banner. */
export class DigestResource {
  readonly #http: Transport;

  constructor(http: Transport) {
    this.#http = http;
  }

  /** `GET /api/settings/digest`: settings and the next/last digest times. */
  settings(): Promise<DigestSettings> {
    return this.#http.json({ method: 'GET', path: '/api/settings/digest' });
  }

  /**
   * `POST /api/settings/digest`: update only the given fields.
   * @example await client.digest.saveSettings({ digest_enabled: true, digest_time: '09:00', digest_interval: '24h' });
   */
  saveSettings(settings: DigestSettingsBody): Promise<DigestSettingsSaved> {
    return this.#http.json({ method: 'POST', path: '/api/settings/digest', json: settings });
  }

  /** `POST /api/digest/trigger`: send the digest now. */
  trigger(): Promise<DigestTrigger> {
    return this.#http.json({ method: 'POST', path: '/api/digest/trigger' });
  }

  /** `GET /api/digest/banner`: pending updates not yet dismissed. */
  banner(): Promise<DigestBanner> {
    return this.#http.json({ method: 'GET', path: '/api/digest/banner' });
  }

  /** `POST /api/digest/banner/dismiss`. */
  dismissBanner(): Promise<DigestBannerDismissed> {
    return this.#http.json({ method: 'POST', path: '/api/digest/banner/dismiss' });
  }
}
