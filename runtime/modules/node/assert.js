// node:assert for nodejs_compat, written from Node's documented behaviour. Failure
// messages follow Node's first lines; Node's diffs of the two values are not shown.
import { inspect, _isDeepEqual as isDeepEqual } from "node:util";

class AssertionError extends Error {
  constructor(options) {
    if (options === null || typeof options !== "object") {
      const e = new TypeError(`The "options" argument must be of type object. Received ${typeof options}`);
      e.code = "ERR_INVALID_ARG_TYPE";
      throw e;
    }
    const { message, actual, expected, operator } = options;
    super(message !== undefined ? String(message) : defaultMessage(actual, expected, operator));
    this.generatedMessage = message === undefined;
    this.code = "ERR_ASSERTION";
    this.actual = actual;
    this.expected = expected;
    this.operator = operator;
  }

  get name() {
    return "AssertionError";
  }

  toString() {
    return `${this.name} [${this.code}]: ${this.message}`;
  }
}

const show = (v) => inspect(v, { depth: 3 });

function defaultMessage(actual, expected, operator) {
  switch (operator) {
    case "strictEqual":
      return `Expected values to be strictly equal:\n\n${show(actual)} !== ${show(expected)}\n`;
    case "deepStrictEqual":
      return `Expected values to be strictly deep-equal:\n${show(actual)}\n\nshould equal\n\n${show(expected)}`;
    case "deepEqual":
      return `Expected values to be loosely deep-equal:\n\n${show(actual)}\n\nshould loosely deep-equal\n\n${show(expected)}`;
    case "notStrictEqual":
      return `Expected "actual" to be strictly unequal to: ${show(expected)}`;
    case "notDeepStrictEqual":
      return `Expected "actual" not to be strictly deep-equal to: ${show(expected)}`;
    case "notDeepEqual":
      return `Expected "actual" not to be loosely deep-equal to: ${show(expected)}`;
    case "==":
      return `${show(actual)} == ${show(expected)}`;
    case "!=":
      return `${show(actual)} != ${show(expected)}`;
    case "fail":
      return "Failed";
    default:
      return `${show(actual)} ${operator} ${show(expected)}`;
  }
}

function fail(opts) {
  if (opts.message instanceof Error) throw opts.message;
  throw new AssertionError(opts);
}

function ok(value, message, ...rest) {
  if (arguments.length === 0) {
    fail({ message: "No value argument passed to `assert.ok()`", actual: undefined, expected: true, operator: "==" });
  }
  if (!value) {
    fail({ message: message !== undefined ? message : "The expression evaluated to a falsy value:\n\n  assert.ok(" + show(value) + ")\n",
      actual: value, expected: true, operator: "==" });
  }
}

function equal(actual, expected, message) {
  if (!(actual == expected || (actual !== actual && expected !== expected))) fail({ actual, expected, message, operator: "==" });
}

function notEqual(actual, expected, message) {
  if (actual == expected || (actual !== actual && expected !== expected)) fail({ actual, expected, message, operator: "!=" });
}

function strictEqual(actual, expected, message) {
  if (!Object.is(actual, expected)) fail({ actual, expected, message, operator: "strictEqual" });
}

function notStrictEqual(actual, expected, message) {
  if (Object.is(actual, expected)) fail({ actual, expected, message, operator: "notStrictEqual" });
}

function deepEqual(actual, expected, message) {
  if (!isDeepEqual(actual, expected, false, [])) fail({ actual, expected, message, operator: "deepEqual" });
}

function notDeepEqual(actual, expected, message) {
  if (isDeepEqual(actual, expected, false, [])) fail({ actual, expected, message, operator: "notDeepEqual" });
}

function deepStrictEqual(actual, expected, message) {
  if (!isDeepEqual(actual, expected, true, [])) fail({ actual, expected, message, operator: "deepStrictEqual" });
}

function notDeepStrictEqual(actual, expected, message) {
  if (isDeepEqual(actual, expected, true, [])) fail({ actual, expected, message, operator: "notDeepStrictEqual" });
}

function assertFail(message) {
  if (message instanceof Error) throw message;
  throw new AssertionError({ message: message === undefined ? "Failed" : message, operator: "fail" });
}

function match(string, regexp, message) {
  if (typeof string !== "string" || !regexp.test(string)) {
    fail({ actual: string, expected: regexp, message: message !== undefined ? message
      : typeof string !== "string" ? `The "string" argument must be of type string. Received type ${typeof string} (${show(string)})`
      : `The input did not match the regular expression ${regexp}. Input:\n\n${show(string)}\n`, operator: "match" });
  }
}

function doesNotMatch(string, regexp, message) {
  if (typeof string !== "string" || regexp.test(string)) {
    fail({ actual: string, expected: regexp, message: message !== undefined ? message
      : `The input was expected to not match the regular expression ${regexp}. Input:\n\n${show(string)}\n`, operator: "doesNotMatch" });
  }
}

function ifError(err) {
  if (err !== null && err !== undefined) {
    let m = "ifError got unwanted exception: ";
    m += typeof err === "object" && typeof err.message === "string" ? (err.message || err.constructor.name) : show(err);
    const e = new AssertionError({ actual: err, expected: null, operator: "ifError", message: m });
    e.origin = err;
    throw e;
  }
}

const NO_EXCEPTION = Symbol("no exception");

// checkError reports whether the thrown value matches what throws()/rejects() expect.
function checkError(actual, expected, message, fnName) {
  if (expected === undefined) return;
  if (typeof expected === "function") {
    if (expected.prototype !== undefined && actual instanceof expected) return;
    if (Error.isPrototypeOf(expected) || expected === Error) {
      fail({ actual, expected, operator: fnName, message: message !== undefined ? message
        : `The error is expected to be an instance of "${expected.name}". Received "${actual && actual.constructor ? actual.constructor.name : show(actual)}"` +
          (actual instanceof Error ? `\n\nError message:\n\n${actual.message}` : "") });
    }
    const r = expected.call({}, actual);
    if (r !== true) {
      fail({ actual, expected, operator: fnName, message: message !== undefined ? message
        : `The ${expected.name ? `"${expected.name}" ` : ""}validation function is expected to return "true". Received ${show(r)}` });
    }
    return;
  }
  if (expected instanceof RegExp) {
    if (expected.test(String(actual))) return;
    fail({ actual, expected, operator: fnName, message: message !== undefined ? message
      : `The input did not match the regular expression ${expected}. Input:\n\n${show(String(actual))}\n` });
  }
  if (typeof expected === "object" && expected !== null) {
    const keys = Object.keys(expected);
    if (expected instanceof Error) keys.push("name", "message");
    for (const k of keys) {
      const want = expected[k], got = actual === null || actual === undefined ? undefined : actual[k];
      if (want instanceof RegExp && typeof got === "string") {
        if (!want.test(got)) fail({ actual, expected, operator: fnName, message: message !== undefined ? message
          : `The input did not match the regular expression ${want}. Input:\n\n${show(got)}\n` });
      } else if (!isDeepEqual(got, want, true, [])) {
        fail({ actual, expected, operator: fnName, message: message !== undefined ? message
          : `Expected values to be strictly deep-equal:\n+ actual - expected\n\n  Comparison {\n+   ${k}: ${show(got)}\n-   ${k}: ${show(want)}\n  }` });
      }
    }
    return;
  }
  const e = new TypeError(`The "expected" argument must be of type function or an instance of Error, RegExp, or Object. Received ${typeof expected}`);
  e.code = "ERR_INVALID_ARG_TYPE";
  throw e;
}

function missing(expected, message, fnName) {
  let m = fnName === "rejects" ? "Missing expected rejection" : "Missing expected exception";
  if (typeof expected === "function" && expected.name) m += ` (${expected.name})`;
  m += message ? `: ${message}` : ".";
  fail({ actual: undefined, expected, operator: fnName, message: m });
}

function splitArgs(expected, message) {
  if (typeof expected === "string") return [undefined, expected];
  return [expected, message];
}

function throws(fn, expected, message) {
  [expected, message] = splitArgs(expected, message);
  if (typeof fn !== "function") {
    const e = new TypeError(`The "fn" argument must be of type function. Received ${typeof fn}`);
    e.code = "ERR_INVALID_ARG_TYPE";
    throw e;
  }
  let thrown = NO_EXCEPTION;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  if (thrown === NO_EXCEPTION) missing(expected, message, "throws");
  checkError(thrown, expected, message, "throws");
}

function doesNotThrow(fn, expected, message) {
  [expected, message] = splitArgs(expected, message);
  try {
    fn();
  } catch (e) {
    if (expected === undefined || (typeof expected === "function" && e instanceof expected)) {
      fail({ actual: e, expected, operator: "doesNotThrow",
        message: `Got unwanted exception${message ? `: ${message}` : "."}\nActual message: "${e && e.message}"` });
    }
    throw e;
  }
}

async function rejects(promiseOrFn, expected, message) {
  [expected, message] = splitArgs(expected, message);
  let thrown = NO_EXCEPTION;
  try {
    await (typeof promiseOrFn === "function" ? promiseOrFn() : promiseOrFn);
  } catch (e) {
    thrown = e;
  }
  if (thrown === NO_EXCEPTION) missing(expected, message, "rejects");
  checkError(thrown, expected, message, "rejects");
}

async function doesNotReject(promiseOrFn, expected, message) {
  [expected, message] = splitArgs(expected, message);
  try {
    await (typeof promiseOrFn === "function" ? promiseOrFn() : promiseOrFn);
  } catch (e) {
    fail({ actual: e, expected, operator: "doesNotReject",
      message: `Got unwanted rejection${message ? `: ${message}` : "."}\nActual message: "${e && e.message}"` });
  }
}

function assert(value, message) {
  if (arguments.length === 0) ok();
  else ok(value, message);
}

const common = {
  AssertionError, ok, fail: assertFail, match, doesNotMatch, ifError, throws, doesNotThrow, rejects, doesNotReject,
  strictEqual, notStrictEqual, deepStrictEqual, notDeepStrictEqual,
};
Object.assign(assert, common, { equal, notEqual, deepEqual, notDeepEqual });

// assert.strict: the loose comparisons are the strict ones.
function strict(value, message) {
  if (arguments.length === 0) ok();
  else ok(value, message);
}
Object.assign(strict, common, { equal: strictEqual, notEqual: notStrictEqual, deepEqual: deepStrictEqual, notDeepEqual: notDeepStrictEqual });
assert.strict = strict;
strict.strict = strict;

export {
  AssertionError, ok, assertFail as fail, match, doesNotMatch, ifError, throws, doesNotThrow, rejects, doesNotReject,
  strictEqual, notStrictEqual, deepStrictEqual, notDeepStrictEqual, equal, notEqual, deepEqual, notDeepEqual, strict,
};
export default assert;
