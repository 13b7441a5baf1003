import { describe, expect, it } from 'vitest';
import { InvalidError } from '../errors/index.js';
import { compileTemplate, TEMPLATE_VARIABLES } from './template.js';
import type { TemplateVars } from './template.js';

const vars = (over: Partial<TemplateVars> = {}): TemplateVars => ({
  ...(Object.fromEntries(Object.keys(TEMPLATE_VARIABLES).map((k) => [k, ''])) as TemplateVars),
  ContainerName: 'nginx',
  OldImage: 'nginx:1.27.4',
  NewImage: 'nginx:1.27.5',
  ...over,
});

function invalid(source: string): string {
  try {
    compileTemplate(source);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidError);
    return (error as Error).message;
  }
  throw new Error(`expected "${source}" to be refused`);
}

describe('compileTemplate', () => {
  it('substitutes variables, with or without spaces inside the braces', () => {
    expect(compileTemplate('Update: {{.ContainerName}} {{ .OldImage }} -> {{.NewImage}}').render(vars())).toBe('Update: nginx nginx:1.27.4 -> nginx:1.27.5');
  });

  it('copies text without actions unchanged, including single braces and newlines', () => {
    expect(compileTemplate('a { b } c\nd').render(vars())).toBe('a { b } c\nd');
  });

  it('renders the if branch when the variable is not empty and the else branch when it is', () => {
    const t = compileTemplate('{{if .Error}}failed: {{.Error}}{{else}}ok{{end}}');
    expect(t.render(vars({ Error: 'unhealthy' }))).toBe('failed: unhealthy');
    expect(t.render(vars())).toBe('ok');
  });

  it('supports nested conditions', () => {
    const t = compileTemplate('{{if .ContainerName}}[{{if .Error}}x{{else}}y{{end}}]{{end}}');
    expect(t.render(vars({ Error: 'e' }))).toBe('[x]');
    expect(t.render(vars())).toBe('[y]');
    expect(t.render(vars({ ContainerName: '' }))).toBe('');
  });

  it('trims whitespace on the side of a {{- or -}} marker', () => {
    expect(compileTemplate('a   {{- .ContainerName -}}   b').render(vars())).toBe('anginxb');
    expect(compileTemplate('line\n{{- if .Error}} E{{end}}').render(vars())).toBe('line');
  });

  it('refuses unknown variables, naming them and the known ones', () => {
    const message = invalid('Hi {{.Container}}');
    expect(message).toContain('unknown variable .Container');
    expect(message).toContain('.ContainerName');
    expect(invalid('{{if .Nope}}x{{end}}')).toContain('.Nope');
  });

  it('refuses actions other than variables and if/else/end (nothing is evaluated)', () => {
    expect(invalid('{{range .Updates}}x{{end}}')).toContain('not supported');
    expect(invalid('{{printf "%s" .ContainerName}}')).toContain('not supported');
    expect(invalid('{{.ContainerName.Foo}}')).toContain('not supported');
    expect(invalid('{{}}')).toContain('not supported');
  });

  it('refuses unbalanced blocks and unclosed braces', () => {
    expect(invalid('{{if .Error}}x')).toContain('without a closing {{end}}');
    expect(invalid('x{{end}}')).toContain('without a matching {{if}}');
    expect(invalid('{{if .Error}}a{{else}}b')).toContain('{{else}} without a closing {{end}}');
    expect(invalid('Hello {{.ContainerName')).toContain('unclosed');
  });

  it('refuses templates that are too long or nest too deep', () => {
    expect(invalid('x'.repeat(4001))).toContain('too long');
    expect(invalid(`${'{{if .Error}}'.repeat(10)}${'{{end}}'.repeat(10)}`)).toContain('deeper');
  });
});
