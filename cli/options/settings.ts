/**
 * The trainer's settings tables (trainer/model/config.ts: kind, range, default, help line) as
 * option tables: the flags are the kebab-case field names unless renamed, the checks are the
 * settings' ranges, and the defaults and help lines are the settings' own.
 */

import type {
  Setting,
  SettingTable,
  SettingValue,
  SettingValues,
} from '../../trainer/model/config.ts';
import { number, oneOf, wholeNumber } from './kinds.ts';
import { type Option, option, toggle } from './option-table.ts';

/** An option table with one option per setting, reading the setting's value. */
export type SettingOptions<S extends SettingTable> = {
  readonly [K in keyof S]: Option<SettingValue<S[K]>>;
};

/** 'batchSize' -> 'batch-size' */
export function kebabCase(field: string): string {
  return field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function settingOption(flag: string, setting: Setting, group: string): Option<unknown> {
  const { help } = setting;
  switch (setting.kind) {
    case 'integer':
      return option({
        flag,
        kind: wholeNumber({ min: setting.min }),
        default: setting.default,
        help,
        group,
        ...(setting.defaultText !== undefined ? { defaultText: setting.defaultText } : {}),
      });
    case 'number':
      return option({
        flag,
        kind: number(setting.positive ? { positive: true } : {}),
        default: setting.default,
        help,
        group,
      });
    case 'boolean':
      return toggle({ flag, help, group });
    case 'choice':
      return option({ flag, kind: oneOf(setting.choices), default: setting.default, help, group });
  }
}

/**
 * The options of a settings table, listed under `group`; `flags` renames some (learningRate
 * is --lr).
 */
export function settingOptions<S extends SettingTable>(
  settings: S,
  group: string,
  flags: { readonly [K in keyof S]?: string } = {},
): SettingOptions<S> {
  return Object.fromEntries(
    Object.entries(settings).map(([field, setting]) => [
      field,
      settingOption(flags[field] ?? kebabCase(field), setting, group),
    ]),
  ) as SettingOptions<S>;
}

/** The settings' fields of a command's parsed values: a config for the trainer. */
export function pickSettings<S extends SettingTable>(
  settings: S,
  values: SettingValues<S>,
): SettingValues<S> {
  return Object.fromEntries(
    Object.keys(settings).map((field) => [field, values[field]]),
  ) as SettingValues<S>;
}
