// Response (WHATWG Fetch).

const webidl = priv.webidl;
const { converters, configureInterface } = webidl;

const nullBodyStatus = (s) => s === 101 || s === 204 || s === 205 || s === 304;
const redirectStatus = (s) => s === 301 || s === 302 || s === 303 || s === 307 || s === 308;
// reason-phrase = *( HTAB / SP / VCHAR / obs-text )
const reasonPhraseRe = /^[\t\x20-\x7e\x80-\xff]*$/;
const TYPE_DEFAULT = "default", TYPE_ERROR = "error";
const INTERNAL = Symbol("edged.response.internal");
let jsonDefaultType = false; // set by Response.json around its constructor call

class Response {
  #type = TYPE_DEFAULT;
  #status = 200;
  #statusText = "";
  #headers = null;          // Headers, created lazily when only a content type is set
  #contentType = null;      // the default Content-Type while #headers is null
  #body;
  #url = "";
  #redirected = false;
  #cf = undefined;
  #webSocket = null;        // Workers: the WebSocketPair end a 101 response hands over

  constructor(body = null, init = undefined) {
    if (body === INTERNAL) { this.#body = priv.newBodyState(null); return; }
    const prefix = webidl.ctorPrefix("Response");
    let status = 200;
    let statusText = "";
    let headersInit;
    let webSocket = null;
    if (init !== undefined && init !== null) {
      if (!webidl.isObject(init)) throw new TypeError(`${prefix}: The provided value is not of type 'ResponseInit'.`);
      if (init.status !== undefined) status = converters["unsigned short"](init.status, prefix, "status");
      if (init.statusText !== undefined) statusText = converters.ByteString(init.statusText, prefix, "statusText");
      headersInit = init.headers;
      if (init.cf !== undefined) this.#cf = init.cf;
      if (init.webSocket !== undefined && init.webSocket !== null) webSocket = init.webSocket;
    }
    // Workers: status 101 exactly when the response carries a WebSocket (37_websocket.js).
    if (webSocket !== null) {
      if (!priv.isWebSocket(webSocket)) throw new TypeError(`${prefix}: 'webSocket' member of ResponseInit is not of type 'WebSocket'.`);
      if (status !== 101) throw new RangeError(`${prefix}: a Response with a webSocket must have status 101, not ${status}.`);
    } else if (status < 200 || status > 599) {
      throw new RangeError(`${prefix}: The status provided (${status}) is outside the range [200, 599].`);
    }
    if (statusText !== "" && !reasonPhraseRe.test(statusText)) {
      throw new TypeError(`${prefix}: Invalid statusText`);
    }
    this.#status = status;
    this.#statusText = statusText;
    if (headersInit !== undefined) {
      const h = priv.headersFromList([], "none");
      priv.headersFill(h, headersInit, prefix);
      priv.headersGuard(h, "response");
      this.#headers = h;
    }
    if (body !== null && body !== undefined) {
      if (nullBodyStatus(status)) {
        throw new TypeError(`${prefix}: Response with null body status cannot have body`);
      }
      const source = priv.extractBody(body, prefix);
      const type = jsonDefaultType ? "application/json" : priv.extractedBody.type;
      if (type !== null) {
        if (this.#headers === null) this.#contentType = type;
        else if (!priv.headersHas(this.#headers, "content-type")) priv.headersAppendRaw(this.#headers, "content-type", type);
      }
      this.#body = priv.newBodyState(source);
    } else {
      this.#body = priv.newBodyState(null);
    }
    if (webSocket !== null) {
      priv.webSocketClaim(webSocket, prefix);
      this.#webSocket = webSocket;
    }
  }

  #getHeaders() {
    if (this.#headers === null) {
      const list = this.#contentType !== null ? ["content-type", this.#contentType] : [];
      this.#headers = priv.headersFromList(list, this.#type === TYPE_ERROR ? "immutable" : "response");
      this.#contentType = null;
    }
    return this.#headers;
  }

  static #check(r) {
    if (!(webidl.isObject(r) && #status in r)) throw webidl.illegalInvocation();
  }

  static error() {
    const r = new Response(INTERNAL);
    r.#type = TYPE_ERROR;
    r.#status = 0;
    r.#headers = priv.headersFromList([], "immutable");
    return r;
  }

  static redirect(url, status = 302) {
    const prefix = webidl.methodPrefix("Response", "redirect");
    webidl.requiredArguments(arguments.length, 1, prefix);
    url = converters.USVString(url, prefix, "Argument 1");
    let parsed;
    try {
      parsed = new priv.URL(url, priv.apiBaseURL());
    } catch {
      throw new TypeError(`${prefix}: Invalid URL: ${url}`);
    }
    status = converters["unsigned short"](status, prefix, "Argument 2");
    if (!redirectStatus(status)) throw new RangeError(`${prefix}: Invalid status code ${status}`);
    const r = new Response(INTERNAL);
    r.#status = status;
    r.#headers = priv.headersFromList(["location", parsed.href], "immutable");
    return r;
  }

  static json(data, init = undefined) {
    const prefix = webidl.methodPrefix("Response", "json");
    webidl.requiredArguments(arguments.length, 1, prefix);
    const text = JSON.stringify(data);
    if (text === undefined) throw new TypeError(`${prefix}: The data is not JSON serializable`);
    jsonDefaultType = true;
    try {
      return new Response(text, init);
    } finally {
      jsonDefaultType = false;
    }
  }

  get type() { Response.#check(this); return this.#type; }
  get url() { Response.#check(this); return this.#url; }
  get redirected() { Response.#check(this); return this.#redirected; }
  get status() { Response.#check(this); return this.#status; }
  get ok() { Response.#check(this); return this.#status >= 200 && this.#status <= 299; }
  get statusText() { Response.#check(this); return this.#statusText; }
  get headers() { Response.#check(this); return this.#getHeaders(); }
  get cf() { Response.#check(this); return this.#cf; }
  get webSocket() { Response.#check(this); return this.#webSocket; }

  clone() {
    Response.#check(this);
    if (this.#webSocket !== null) throw new TypeError("Failed to execute 'clone' on 'Response': a Response carrying a WebSocket cannot be cloned");
    if (priv.bodyUnusable(this.#body)) {
      throw new TypeError("Failed to execute 'clone' on 'Response': Response body is already used");
    }
    const c = new Response(INTERNAL);
    c.#type = this.#type;
    c.#status = this.#status;
    c.#statusText = this.#statusText;
    if (this.#headers !== null) {
      c.#headers = priv.headersCopy(this.#headers, this.#type === TYPE_ERROR ? "immutable" : "response");
    } else {
      c.#contentType = this.#contentType;
    }
    c.#body = priv.bodyClone(this.#body);
    c.#url = this.#url;
    c.#redirected = this.#redirected;
    c.#cf = this.#cf;
    return c;
  }

  static {
    priv.isResponse = (r) => webidl.isObject(r) && #status in r;
    priv.responseBody = (r) => r.#body;
    priv.responseStatus = (r) => r.#status;
    priv.responseStatusText = (r) => r.#statusText;
    priv.responseIsError = (r) => r.#type === TYPE_ERROR;
    // A response fetch() received: headers immutable, type "basic", its final URL.
    priv.newFetchedResponse = (status, statusText, packedHeaders, url, redirected, source) => {
      const r = new Response(INTERNAL);
      r.#type = "basic";
      r.#status = status;
      r.#statusText = statusText;
      r.#headers = priv.headersFromPacked(packedHeaders, "immutable");
      r.#url = url;
      r.#redirected = redirected;
      r.#body = priv.newBodyState(source);
      return r;
    };
    // The packed header list for op_resp_send, without creating Headers when unused.
    priv.responsePackedHeaders = (r) => {
      let packed;
      if (r.#headers === null) packed = r.#contentType !== null ? "content-type\0" + r.#contentType : "";
      else packed = priv.headersPacked(r.#headers);
      // A 101's WebSocket travels as the internal ":websocket" entry (bindings/websocket).
      if (r.#webSocket !== null) packed += (packed === "" ? "" : "\0") + ":websocket\0" + priv.webSocketAttach(r.#webSocket);
      return packed;
    };
    // fetch() with Upgrade: websocket answers a 101 carrying the connected socket.
    priv.responseSetWebSocket = (r, ws) => { r.#webSocket = ws; };
    priv.mixinBody(Response.prototype, "Response", (r) => {
      Response.#check(r);
      return r.#body;
    }, (r) => (r.#headers === null ? r.#contentType : priv.headersGet(r.#headers, "content-type")));
  }
}

Object.defineProperty(Response.prototype, Symbol.for("nodejs.util.inspect.custom"), {
  value: function inspectResponse(depth, options) {
    const shown = {
      status: this.status, statusText: this.statusText, headers: this.headers, ok: this.ok,
      redirected: this.redirected, url: this.url, body: this.body, bodyUsed: this.bodyUsed,
    };
    return `Response ${priv.inspect(shown, options)}`;
  },
  configurable: true,
});

configureInterface(Response);
core.defineGlobal("Response", Response);
priv.Response = Response;
priv.registerPlatformObject((v) => priv.isResponse(v));
