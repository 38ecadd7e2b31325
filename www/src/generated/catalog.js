// Generated from the Rust definitions by tests/typescript.rs: do not edit.
// UPDATE_GENERATED=1 cargo test --features typescript --test typescript rewrites this file.

/** The models the project ships (trained/catalog.json): the pretrained encoder setup fetches and the models it trains. */
export const CATALOG = /** @type {import('./types').CatalogEntry[]} */ ([
  {
    "name": "all-MiniLM-L6-v2",
    "kind": "encoder",
    "folder": "models/all-MiniLM-L6-v2/",
    "description": "Pretrained sentence encoder (sentence-transformers): 6 layers × 12 heads of BERT-style self-attention, fetched by setup.",
    "origin": "pretrained"
  },
  {
    "name": "gpt2-2l-induction",
    "kind": "decoder",
    "folder": "trained/gpt2-2l-induction/",
    "description": "A small GPT-2 decoder (2 layers × 4 heads) trained here on generated stories: it continues a text token by token, with previous-token and induction heads.",
    "origin": "trained"
  },
  {
    "name": "dates-gru-additive",
    "kind": "encoder-decoder",
    "folder": "trained/dates-gru-additive/",
    "description": "Dates written by people → ISO 8601, character by character: GRU encoder–decoder with additive (Bahdanau) attention.",
    "origin": "trained"
  },
  {
    "name": "dates-gru",
    "kind": "encoder-decoder",
    "folder": "trained/dates-gru/",
    "description": "Dates written by people → ISO 8601: the same GRU encoder–decoder without attention (one fixed-length vector).",
    "origin": "trained"
  },
  {
    "name": "dates-transformer",
    "kind": "encoder-decoder",
    "folder": "trained/dates-transformer/",
    "description": "Dates written by people → ISO 8601: a small Transformer encoder–decoder (2 + 2 layers, 4 heads).",
    "origin": "trained"
  },
  {
    "name": "grammar-gru-additive",
    "kind": "encoder-decoder",
    "folder": "trained/grammar-gru-additive/",
    "description": "Generated English → simplified French, word by word: GRU encoder–decoder with additive (Bahdanau) attention.",
    "origin": "trained"
  },
  {
    "name": "grammar-gru",
    "kind": "encoder-decoder",
    "folder": "trained/grammar-gru/",
    "description": "Generated English → simplified French, word by word: GRU encoder–decoder without attention (one fixed-length vector).",
    "origin": "trained"
  },
  {
    "name": "grammar-transformer",
    "kind": "encoder-decoder",
    "folder": "trained/grammar-transformer/",
    "description": "Generated English → simplified French, word by word: a small Transformer encoder–decoder (2+2 layers, 4 heads).",
    "origin": "trained"
  }
]);
