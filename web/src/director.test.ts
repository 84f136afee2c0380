import { describe, expect, it } from 'vitest';
import type { DirectorState } from './api.ts';
import { outcomeText, ruleEnabled, settingFromFields, thresholdFields, withEnabled } from './director.ts';

const budgetRule: DirectorState['rules'][number] = {
  name: 'budget',
  watches: 'spending',
  action: 'warns, pauses',
  defaults: { warnAtPercent: 80 },
};
const tddRule: DirectorState['rules'][number] = {
  name: 'tdd',
  watches: 'changes',
  action: 'finding',
  defaults: { testPattern: 'test' },
};

describe("a rule's switch", () => {
  it('is on unless the installation turned it off', () => {
    expect(ruleEnabled({}, 'tdd')).toBe(true);
    expect(ruleEnabled({ tdd: { testPattern: 'x' } }, 'tdd')).toBe(true);
    expect(ruleEnabled({ tdd: { enabled: false } }, 'tdd')).toBe(false);
  });

  it('keeps the thresholds when turned, and writes only "off"', () => {
    expect(withEnabled({ warnAtPercent: 90 }, false)).toEqual({ warnAtPercent: 90, enabled: false });
    expect(withEnabled({ warnAtPercent: 90, enabled: false }, true)).toEqual({ warnAtPercent: 90 });
    expect(withEnabled(undefined, true)).toEqual({});
  });

  it("follows a project's own switch, else the installation's, and a project writes on as well as off", () => {
    expect(ruleEnabled({}, 'tdd', { tdd: { enabled: false } })).toBe(false);
    expect(ruleEnabled({ tdd: { enabled: true } }, 'tdd', { tdd: { enabled: false } })).toBe(true);
    expect(ruleEnabled({ tdd: { enabled: false } }, 'tdd', {})).toBe(false);
    expect(withEnabled({ warnAtPercent: 90 }, true, true)).toEqual({ warnAtPercent: 90, enabled: true });
    expect(settingFromFields([], true, true)).toEqual({ setting: { enabled: true } });
  });
});

describe("a rule's thresholds", () => {
  it("hold the installation's value, or nothing where the default applies", () => {
    expect(thresholdFields(budgetRule, { warnAtPercent: 90, enabled: false })).toEqual([
      { name: 'warnAtPercent', fallback: 80, text: '90' },
    ]);
    expect(thresholdFields(tddRule, undefined)).toEqual([
      { name: 'testPattern', fallback: 'test', text: '' },
    ]);
  });

  it("become the rule's settings: numbers where the default is one, blanks left to the default", () => {
    const fields = thresholdFields(budgetRule, undefined);
    expect(settingFromFields([{ ...fields[0]!, text: ' 70 ' }], true)).toEqual({
      setting: { warnAtPercent: 70 },
    });
    expect(settingFromFields(fields, false)).toEqual({ setting: { enabled: false } });
    expect(settingFromFields([{ ...fields[0]!, text: 'lots' }], true)).toEqual({
      error: 'warnAtPercent must be a number.',
    });
    expect(settingFromFields([{ name: 'testPattern', fallback: 'test', text: 'spec/' }], true)).toEqual({
      setting: { testPattern: 'spec/' },
    });
  });
});

describe('what an intervention produced', () => {
  it('is its outcome in a line, nested values left out', () => {
    expect(
      outcomeText({ evidence: { percent: 90, outcome: { approval_id: 4, paused: 'yes', extra: null } } }),
    ).toBe('approval id 4 · paused yes');
    expect(outcomeText({ evidence: {} })).toBe('');
  });
});
