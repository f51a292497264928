import { describe, expect, it } from 'vitest';
import { eventTimeFromId, shouldApply, statusFromApiOrder } from '../../../src/portal/orders/status.js';

describe('order status ordering', () => {
  it('when a paid event arrives after ready (delivered out of order), then it is not applied', () => {
    expect(shouldApply({ status: 'ready', lastEventMs: 3000 }, { status: 'paid', eventMs: 1000 })).toBe(false);
  });

  it('when events share a timestamp, then the later lifecycle stage wins', () => {
    expect(shouldApply({ status: 'paid', lastEventMs: 1000 }, { status: 'provisioning', eventMs: 1000 })).toBe(true);
    expect(shouldApply({ status: 'provisioning', lastEventMs: 1000 }, { status: 'paid', eventMs: 1000 })).toBe(false);
  });

  it('when event times are unknown, then only forward moves apply', () => {
    expect(shouldApply({ status: 'awaiting_payment', lastEventMs: null }, { status: 'paid', eventMs: null })).toBe(true);
    expect(shouldApply({ status: 'ready', lastEventMs: null }, { status: 'provisioning', eventMs: null })).toBe(false);
  });

  it('when a renewal makes an expired agent ready again, then it applies', () => {
    expect(shouldApply({ status: 'expired', lastEventMs: 5000 }, { status: 'ready', eventMs: 9000 })).toBe(true);
    expect(shouldApply({ status: 'expired', lastEventMs: null }, { status: 'ready', eventMs: null })).toBe(true);
  });

  it('reads the occurrence time from a mintbot event id', () => {
    expect(eventTimeFromId('evt_42_order.paid_1747371234567')).toBe(1747371234567);
    expect(eventTimeFromId('evt_manual_test')).toBeNull();
  });

  it('maps API statuses, telling a cancelled order from an expired agent', () => {
    expect(statusFromApiOrder({ status: 'expired', panel_url: null })).toBe('cancelled');
    expect(statusFromApiOrder({ status: 'expired', panel_url: 'https://a/panel' })).toBe('expired');
    expect(statusFromApiOrder({ status: 'deployed', panel_url: 'https://a/panel' })).toBe('ready');
  });
});
