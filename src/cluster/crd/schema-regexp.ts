/**
 * CRD `pattern`s are Go (RE2) regular expressions. Most are valid JavaScript as
 * they stand; this translates the Go-only spellings people actually use (a
 * leading flag group, `\A`/`\z`, `(?P<name>`, POSIX classes, a `]` first in a
 * class) so such patterns neither fail to compile nor change meaning.
 */

const posixClasses: Readonly<Record<string, string>> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

/** Rewrites the Go-only constructs of a pattern body into JavaScript syntax. */
function translateBody(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '\\') {
      const next = pattern[i + 1] ?? '';
      // Go's \A and \z are the ends of the whole text, whatever the multiline flag says.
      if (!inClass && next === 'A') out += '(?<![\\s\\S])';
      else if (!inClass && next === 'z') out += '(?![\\s\\S])';
      else out += char + next;
      i++;
    } else if (inClass) {
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(pattern.slice(i));
      if (posix) {
        const range = posixClasses[posix[2]];
        if (!range || posix[1]) throw new SyntaxError(`invalid character class range: ${posix[0]}`);
        out += range;
        i += posix[0].length - 1;
      } else {
        if (char === ']') inClass = false;
        out += char === '[' ? '\\[' : char;
      }
    } else if (char === '[') {
      inClass = true;
      out += '[';
      if (pattern[i + 1] === '^') out += pattern[++i];
      // In Go a `]` right after the opening bracket is a literal, in JavaScript it closes an empty class.
      if (pattern[i + 1] === ']') {
        out += '\\]';
        i++;
      }
    } else if (pattern.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
    } else {
      out += char;
    }
  }
  return out;
}

/**
 * Compiles a Go regular expression into a RegExp with the same meaning, or
 * throws a SyntaxError saying why it cannot.
 */
export function compileGoPattern(pattern: string): RegExp {
  let body = pattern;
  let flags = '';
  const flagGroup = /^\(\?([a-zA-Z]+)\)/.exec(pattern);
  if (flagGroup) {
    for (const flag of flagGroup[1]) {
      if (!'ims'.includes(flag)) throw new SyntaxError(`invalid or unsupported Perl syntax: \`(?${flagGroup[1]}\``);
      if (!flags.includes(flag)) flags += flag;
    }
    body = pattern.slice(flagGroup[0].length);
  }
  const source = translateBody(body);
  try {
    return new RegExp(source, `u${flags}`);
  } catch {
    // Unicode mode refuses some identity escapes that Go and non-Unicode JavaScript accept (`\-`, `\_`).
    return new RegExp(source, flags);
  }
}
