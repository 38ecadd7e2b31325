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
  },
  {
    "name": "digits-vit",
    "kind": "vision",
    "folder": "trained/digits-vit/",
    "description": "A tiny vision transformer (3 layers × 4 heads, 4 × 4-pixel patches) trained here on scikit-learn's digits: it reads a picture of a digit; [CLS] shows which patches it drew on.",
    "origin": "trained"
  },
  {
    "name": "shapes-captioner",
    "kind": "captioner",
    "folder": "trained/shapes-captioner/",
    "description": "A tiny captioner trained here on generated scenes of two shapes: a ViT encoder and a Transformer decoder write \"a red circle above a blue square\"; each word's cross-attention shows where it looked.",
    "origin": "trained"
  }
]);

/** The translation models' held-out evaluations (each eval.json): exact match overall and by source length or date style. */
export const EVALUATIONS = /** @type {import('./types').Evaluation[]} */ ([
  {
    "name": "dates-gru-additive",
    "task": "dates",
    "architecture": "gru-additive",
    "exactMatch": 1.0,
    "testExamples": 6000,
    "grouping": "style",
    "buckets": [
      {
        "label": "d_month_yyyy",
        "exactMatch": 1.0,
        "n": 500
      },
      {
        "label": "month_d_yyyy",
        "exactMatch": 1.0,
        "n": 500
      },
      {
        "label": "dd/mm/yyyy",
        "exactMatch": 1.0,
        "n": 500
      },
      {
        "label": "weekday_dth_of_month",
        "exactMatch": 1.0,
        "n": 500
      },
      {
        "label": "mon_d_yy",
        "exactMatch": 1.0,
        "n": 500
      },
      {
        "label": "yyyy.mm.dd",
        "exactMatch": 1.0,
        "n": 500
      },
      {
        "label": "the_dth_of_month",
        "exactMatch": 1.0,
        "n": 500
      },
      {
        "label": "d_mon_yyyy",
        "exactMatch": 1.0,
        "n": 500
      },
      {
        "label": "wkd_d_mon_yyyy",
        "exactMatch": 1.0,
        "n": 500
      },
      {
        "label": "month_dth_yyyy",
        "exactMatch": 1.0,
        "n": 500
      },
      {
        "label": "dd.mm.yyyy",
        "exactMatch": 1.0,
        "n": 500
      },
      {
        "label": "d-mon-yyyy",
        "exactMatch": 1.0,
        "n": 500
      }
    ]
  },
  {
    "name": "dates-gru",
    "task": "dates",
    "architecture": "gru",
    "exactMatch": 0.9998,
    "testExamples": 6000,
    "grouping": "style",
    "buckets": [
      {
        "label": "d_month_yyyy",
        "exactMatch": 1.0,
        "n": 500
      },
      {
        "label": "month_d_yyyy",
        "exactMatch": 1.0,
        "n": 500
      },
      {
        "label": "dd/mm/yyyy",
        "exactMatch": 1.0,
        "n": 500
      },
      {
        "label": "weekday_dth_of_month",
        "exactMatch": 1.0,
        "n": 500
      },
      {
        "label": "mon_d_yy",
        "exactMatch": 0.998,
        "n": 500
      },
      {
        "label": "yyyy.mm.dd",
        "exactMatch": 1.0,
        "n": 500
      },
      {
        "label": "the_dth_of_month",
        "exactMatch": 1.0,
        "n": 500
      },
      {
        "label": "d_mon_yyyy",
        "exactMatch": 1.0,
        "n": 500
      },
      {
        "label": "wkd_d_mon_yyyy",
        "exactMatch": 1.0,
        "n": 500
      },
      {
        "label": "month_dth_yyyy",
        "exactMatch": 1.0,
        "n": 500
      },
      {
        "label": "dd.mm.yyyy",
        "exactMatch": 1.0,
        "n": 500
      },
      {
        "label": "d-mon-yyyy",
        "exactMatch": 1.0,
        "n": 500
      }
    ]
  },
  {
    "name": "dates-transformer",
    "task": "dates",
    "architecture": "transformer",
    "exactMatch": 1.0,
    "testExamples": 6000,
    "grouping": "style",
    "buckets": [
      {
        "label": "d_month_yyyy",
        "exactMatch": 1.0,
        "n": 500
      },
      {
        "label": "month_d_yyyy",
        "exactMatch": 1.0,
        "n": 500
      },
      {
        "label": "dd/mm/yyyy",
        "exactMatch": 1.0,
        "n": 500
      },
      {
        "label": "weekday_dth_of_month",
        "exactMatch": 1.0,
        "n": 500
      },
      {
        "label": "mon_d_yy",
        "exactMatch": 1.0,
        "n": 500
      },
      {
        "label": "yyyy.mm.dd",
        "exactMatch": 1.0,
        "n": 500
      },
      {
        "label": "the_dth_of_month",
        "exactMatch": 1.0,
        "n": 500
      },
      {
        "label": "d_mon_yyyy",
        "exactMatch": 1.0,
        "n": 500
      },
      {
        "label": "wkd_d_mon_yyyy",
        "exactMatch": 1.0,
        "n": 500
      },
      {
        "label": "month_dth_yyyy",
        "exactMatch": 1.0,
        "n": 500
      },
      {
        "label": "dd.mm.yyyy",
        "exactMatch": 1.0,
        "n": 500
      },
      {
        "label": "d-mon-yyyy",
        "exactMatch": 1.0,
        "n": 500
      }
    ]
  },
  {
    "name": "grammar-gru-additive",
    "task": "grammar",
    "architecture": "gru-additive",
    "exactMatch": 0.9765,
    "testExamples": 2000,
    "grouping": "length",
    "buckets": [
      {
        "label": "1-5",
        "exactMatch": 1.0,
        "n": 250
      },
      {
        "label": "6-10",
        "exactMatch": 0.996,
        "n": 250
      },
      {
        "label": "11-15",
        "exactMatch": 0.996,
        "n": 250
      },
      {
        "label": "16-20",
        "exactMatch": 0.984,
        "n": 250
      },
      {
        "label": "21-25",
        "exactMatch": 0.976,
        "n": 250
      },
      {
        "label": "26-30",
        "exactMatch": 0.992,
        "n": 250
      },
      {
        "label": "31-35",
        "exactMatch": 0.944,
        "n": 250
      },
      {
        "label": "36-40",
        "exactMatch": 0.924,
        "n": 250
      }
    ]
  },
  {
    "name": "grammar-gru",
    "task": "grammar",
    "architecture": "gru",
    "exactMatch": 0.195,
    "testExamples": 2000,
    "grouping": "length",
    "buckets": [
      {
        "label": "1-5",
        "exactMatch": 0.956,
        "n": 250
      },
      {
        "label": "6-10",
        "exactMatch": 0.56,
        "n": 250
      },
      {
        "label": "11-15",
        "exactMatch": 0.044,
        "n": 250
      },
      {
        "label": "16-20",
        "exactMatch": 0.0,
        "n": 250
      },
      {
        "label": "21-25",
        "exactMatch": 0.0,
        "n": 250
      },
      {
        "label": "26-30",
        "exactMatch": 0.0,
        "n": 250
      },
      {
        "label": "31-35",
        "exactMatch": 0.0,
        "n": 250
      },
      {
        "label": "36-40",
        "exactMatch": 0.0,
        "n": 250
      }
    ]
  },
  {
    "name": "grammar-transformer",
    "task": "grammar",
    "architecture": "transformer",
    "exactMatch": 0.956,
    "testExamples": 2000,
    "grouping": "length",
    "buckets": [
      {
        "label": "1-5",
        "exactMatch": 1.0,
        "n": 250
      },
      {
        "label": "6-10",
        "exactMatch": 0.992,
        "n": 250
      },
      {
        "label": "11-15",
        "exactMatch": 0.992,
        "n": 250
      },
      {
        "label": "16-20",
        "exactMatch": 0.976,
        "n": 250
      },
      {
        "label": "21-25",
        "exactMatch": 0.968,
        "n": 250
      },
      {
        "label": "26-30",
        "exactMatch": 0.944,
        "n": 250
      },
      {
        "label": "31-35",
        "exactMatch": 0.924,
        "n": 250
      },
      {
        "label": "36-40",
        "exactMatch": 0.852,
        "n": 250
      }
    ]
  }
]);
