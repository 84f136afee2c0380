import { describe, expect, it } from 'vitest';
import { permissionOf } from './auth.ts';

describe('the permission a route takes', () => {
  it('is the one it declares', () => {
    expect(permissionOf('/api/runs', 'read')).toBe('read');
    expect(permissionOf('/ui/*', 'admin')).toBe('admin');
    expect(permissionOf('/api/status', 'public')).toBe('public');
  });

  it('is admin when a route declares none (fail closed), but for the dashboard files, which hold no data', () => {
    expect(permissionOf('/api/anything-new', undefined)).toBe('admin');
    expect(permissionOf('/uix', undefined)).toBe('admin');
    expect(permissionOf('/ui/', undefined)).toBe('public');
    expect(permissionOf('/ui/assets/*', undefined)).toBe('public');
    // An unmatched request (no route) reaches the 404 handler, which shows nothing.
    expect(permissionOf(undefined, undefined)).toBe('public');
  });
});
