import vm from 'node:vm';

/**
 * For tests: just enough of a browser to run the dashboard's script (no browser is
 * installed here). Elements keep text, never markup, which is all the script writes; the
 * page's own elements come from its `id` attributes. The script runs in its own context
 * with the real fetch, so its requests go to a real server.
 */

type Listener = (event: FakeEvent) => unknown;

/** What a listener receives. */
export interface FakeEvent {
  type: string;
  key?: string;
  target: FakeElement;
  preventDefault(): void;
}

/** An element: text, the properties the script sets, children and listeners. */
export class FakeElement {
  readonly children: FakeElement[] = [];
  readonly dataset: Record<string, string> = {};
  parent: FakeElement | undefined;
  className = '';
  hidden = false;
  disabled = false;
  value = '';
  title = '';
  tabIndex = -1;
  max = 1;
  #text = '';
  #listeners = new Map<string, Listener[]>();

  readonly tagName: string;

  constructor(tagName: string) {
    this.tagName = tagName;
  }

  get textContent(): string {
    return this.#text + this.children.map((child) => child.textContent).join('');
  }

  set textContent(text: string) {
    this.replaceChildren();
    this.#text = text;
  }

  get childElementCount(): number {
    return this.children.length;
  }

  get firstElementChild(): FakeElement | null {
    return this.children[0] ?? null;
  }

  append(...nodes: FakeElement[]): void {
    for (const node of nodes) {
      node.remove();
      node.parent = this;
      this.children.push(node);
    }
  }

  replaceChildren(...nodes: FakeElement[]): void {
    for (const child of this.children.splice(0)) child.parent = undefined;
    this.#text = '';
    this.append(...nodes);
  }

  remove(): void {
    const siblings = this.parent?.children;
    siblings?.splice(siblings.indexOf(this), 1);
    this.parent = undefined;
  }

  addEventListener(type: string, listener: Listener): void {
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), listener]);
  }

  /** Fire an event as a user would (`submit`, `click`, `change`). */
  dispatch(type: string, init: { key?: string } = {}): void {
    const event: FakeEvent = { type, target: this, ...init, preventDefault() {} };
    for (const listener of this.#listeners.get(type) ?? []) listener(event);
  }
}

/** A page built from HTML and a script running in it. */
export interface FakePage {
  /** The element with this id (it must exist). */
  byId(id: string): FakeElement;
  /** Set the URL's hash as the address bar would (fires hashchange). */
  navigate(hash: string): void;
  /** What the script stored. */
  storage: Map<string, string>;
  /** Evaluate an expression in the script's context. */
  run(code: string): unknown;
  /** Stop every timer the script started. */
  close(): void;
}

/** The text of every inline `<tag>` block of a page. */
export function inlineBlocks(html: string, tag: 'script' | 'style'): string[] {
  return [...html.matchAll(new RegExp(`<${tag}[^>]*>([\\s\\S]*?)</${tag}>`, 'g'))].map(
    (m) => m[1]!,
  );
}

/**
 * Build the elements of a served page and run its script against `baseUrl`, with
 * `stored` already in its localStorage.
 */
export function runPage(
  html: string,
  baseUrl: string,
  stored: Record<string, string> = {},
): FakePage {
  const [script] = inlineBlocks(html, 'script');
  if (script === undefined) throw new Error('the page has no inline script');
  const elements = new Map<string, FakeElement>();
  for (const match of html.matchAll(/<(\w+)\s([^>]*\bid="([^"]+)"[^>]*)>/g)) {
    const [whole, tag, attributes, id] = match as unknown as [string, string, string, string];
    const element = new FakeElement(tag.toUpperCase());
    element.hidden = /(^|\s)hidden(\s|=|$)/.test(attributes);
    element.value = /\bvalue="([^"]*)"/.exec(attributes)?.[1] ?? '';
    if (tag === 'select') {
      const body = html.slice(match.index + whole.length, html.indexOf('</select>', match.index));
      const options = [...body.matchAll(/<option( selected)?(?: value="([^"]*)")?>([^<]*)/g)];
      const chosen = options.find((option) => option[1]) ?? options[0];
      element.value = chosen?.[2] ?? chosen?.[3] ?? '';
    }
    elements.set(id, element);
  }

  const storage = new Map(Object.entries(stored));
  const windowListeners: Record<string, Listener[]> = {};
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let hash = '';
  const location = {
    get hash() {
      return hash;
    },
    set hash(value: string) {
      const next = value && !value.startsWith('#') ? `#${value}` : value;
      if (next === hash) return;
      hash = next;
      setTimeout(() => {
        for (const listener of windowListeners.hashchange ?? []) {
          listener({ type: 'hashchange' } as FakeEvent);
        }
      }, 0);
    },
  };
  const track =
    <A extends unknown[]>(start: (...args: A) => ReturnType<typeof setTimeout>) =>
    (...args: A) => {
      const timer = start(...args);
      timers.add(timer);
      return timer;
    };

  const context = vm.createContext({
    document: {
      baseURI: `${baseUrl.replace(/\/+$/, '')}/`,
      visibilityState: 'visible',
      getElementById: (id: string) => elements.get(id) ?? null,
      createElement: (tag: string) => new FakeElement(tag.toUpperCase()),
      addEventListener() {},
    },
    window: {
      addEventListener(type: string, listener: Listener) {
        windowListeners[type] = [...(windowListeners[type] ?? []), listener];
      },
    },
    location,
    localStorage: {
      getItem: (key: string) => storage.get(key) ?? null,
      setItem: (key: string, value: string) => storage.set(key, String(value)),
      removeItem: (key: string) => storage.delete(key),
    },
    fetch,
    URL,
    URLSearchParams,
    TextDecoderStream,
    AbortController,
    console,
    setTimeout: track(setTimeout),
    setInterval: track(setInterval),
    clearTimeout,
    clearInterval,
  });
  vm.runInContext(script, context, { filename: 'page.js' });

  return {
    byId(id) {
      const element = elements.get(id);
      if (!element) throw new Error(`the page has no #${id}`);
      return element;
    },
    navigate(value) {
      location.hash = value;
    },
    storage,
    run: (code) => vm.runInContext(code, context),
    close() {
      for (const timer of timers) clearTimeout(timer);
    },
  };
}
