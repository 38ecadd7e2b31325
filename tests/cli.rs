//! The `attn` binary, run as a user would: outputs, exit statuses and error messages.
#![cfg(feature = "cli")]

mod cli_common;

use std::io::Read;
use std::process::{Command, Stdio};

use cli_common::{attn, attn_with_stdin, fails, json, ok, stderr, stdout, temp_file};
use serde_json::Value;

fn matrix(v: &Value) -> Vec<Vec<Option<f64>>> {
    v.as_array().unwrap().iter().map(|r| r.as_array().unwrap().iter().map(Value::as_f64).collect()).collect()
}

fn assert_close(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-5, "{a} vs {b}");
}

#[test]
fn toy_table_shows_every_head_with_masked_cells() {
    let out = ok(&["toy", "--text", "The cat sat on the mat.", "--heads", "2", "--d-model", "16", "--mask", "causal"]);
    assert!(out.contains("7 query tokens × 7 key tokens"), "{out}");
    assert!(out.contains("head 0 (dot score, scale 0.3536, temperature 1)") && out.contains("head 1 "), "{out}");
    let first_row = out.lines().find(|l| l.starts_with("0 The")).unwrap();
    assert_eq!(first_row.matches('·').count(), 6, "{first_row}");
    assert!(first_row.contains("1.00"));
}

#[test]
fn toy_table_aligns_wide_characters() {
    let out = ok(&["toy", "--text", "猫 cat 😀 日本", "--heads", "1", "--d-model", "8", "--decimals", "3"]);
    let table: Vec<&str> = out.lines().skip_while(|l| !l.starts_with("query \\ key")).take_while(|l| !l.is_empty()).collect();
    assert_eq!(table.len(), 6, "{out}");
    let width = |s: &str| s.chars().map(|c| if c > '\u{2e80}' { 2 } else { 1 }).sum::<usize>();
    assert!(table.iter().all(|l| width(l) == width(table[0])), "{out}");
    assert!(table[1].contains("0."), "3 decimals: {}", table[1]);
}

#[test]
fn toy_json_holds_the_whole_trace() {
    let text = "naïve 😀 cat";
    let v = json(&["toy", "--text", text, "--heads", "2", "--d-model", "8", "--mask", "causal", "--json"]);
    assert_eq!(v["config"]["dModel"], 8);
    let tokens = v["queryTokens"].as_array().unwrap();
    let units: Vec<u16> = text.encode_utf16().collect();
    for t in tokens {
        let (start, end) = (t["start"].as_u64().unwrap() as usize, t["end"].as_u64().unwrap() as usize);
        assert_eq!(String::from_utf16(&units[start..end]).unwrap(), t["text"].as_str().unwrap());
    }
    let heads = v["heads"].as_array().unwrap();
    assert_eq!(heads.len(), 2);
    for head in heads {
        for stage in ["q", "k", "v", "scores", "scaled", "masked", "weights", "output"] {
            assert_eq!(head[stage].as_array().unwrap().len(), 3, "{stage}");
        }
        let masked = matrix(&head["masked"]);
        let weights = matrix(&head["weights"]);
        assert_eq!(masked[0][1], None, "masked −∞ is null");
        assert!(masked[1][0].is_some());
        for row in &weights {
            assert_close(row.iter().map(|w| w.unwrap()).sum(), 1.0);
        }
        assert_eq!(weights[0][2], Some(0.0));
    }
    assert_eq!(matrix(&v["concat"])[0].len(), 8);
    assert_eq!(matrix(&v["output"]).len(), 3);
    assert_eq!(v["truncated"], Value::Null);
    assert!(v.get("breakdowns").is_none());
}

#[test]
fn toy_query_breakdown_in_text_and_json() {
    let out = ok(&["toy", "--text", "a b c", "--query", "2", "--head", "1"]);
    assert!(out.contains("head 1, query 2 c: scores are sums of q ∘ k"), "{out}");
    assert!(!out.contains("head 0"), "--head 1 shows head 1 only: {out}");
    let v = json(&["toy", "--text", "a b c", "--query", "2", "--json"]);
    let breakdowns = v["breakdowns"].as_array().unwrap();
    assert_eq!(breakdowns.len(), 4);
    for (h, b) in breakdowns.iter().enumerate() {
        let weights: Vec<f64> = b["weights"].as_array().unwrap().iter().map(|w| w.as_f64().unwrap()).collect();
        let trace_row: Vec<f64> = v["heads"][h]["weights"][2].as_array().unwrap().iter().map(|w| w.as_f64().unwrap()).collect();
        assert_eq!(weights.len(), trace_row.len());
        weights.iter().zip(&trace_row).for_each(|(&a, &b)| assert_close(a, b));
        assert_eq!(
            (&b["block"], &b["layer"], &b["head"], &b["query"]),
            (&Value::from(0), &Value::from(0), &Value::from(h), &Value::from(2))
        );
        assert_eq!(b["termLabel"], "q ∘ k");
    }
}

#[test]
fn toy_cross_attention_and_modes() {
    let v = json(&["toy", "--text", "Le chat dort", "--cross-text", "The cat is sleeping", "--json"]);
    assert_eq!(v["config"]["mode"], "cross");
    assert_eq!(matrix(&v["heads"][0]["weights"]).len(), 3);
    assert_eq!(matrix(&v["heads"][0]["weights"])[0].len(), 4);
    assert_eq!(v["keyTokens"].as_array().unwrap().len(), 4);
}

#[test]
fn toy_options_reach_the_configuration() {
    let v = json(&[
        "toy",
        "--text",
        "ab cd",
        "--tokenizer",
        "chars",
        "--d-model",
        "12",
        "--heads",
        "6",
        "--kv-heads",
        "2",
        "--score",
        "cosine",
        "--no-scale",
        "--temperature",
        "0.5",
        "--positions",
        "rope",
        "--projections",
        "identity",
        "--seed",
        "7",
        "--max-tokens",
        "9",
        "--mask",
        "window:1",
        "--mask",
        "padding:6",
        "--json",
    ]);
    let c = &v["config"];
    assert_eq!(
        (c["tokenizer"].as_str(), c["heads"].as_u64(), c["kvHeads"].as_u64(), c["score"].as_str(), c["scale"].as_bool()),
        (Some("chars"), Some(6), Some(2), Some("cosine"), Some(false))
    );
    assert_eq!(
        (c["positions"].as_str(), c["projections"].as_str(), c["seed"].as_u64(), c["maxTokens"].as_u64()),
        (Some("rope"), Some("identity"), Some(7), Some(9))
    );
    assert_eq!(c["masks"][1]["padTo"], 6);
    assert_eq!(v["keyTokens"][5]["text"], "[PAD]");
    assert_eq!(v["heads"][0]["temperature"], 0.5);
    for row in matrix(&v["heads"][0]["scores"]) {
        assert!(row.iter().all(|s| s.unwrap().abs() <= 1.0 + 1e-6), "cosine scores lie in [-1, 1]");
    }
}

#[test]
fn toy_given_weights_match_the_identity_projections() {
    let d = 4;
    let eye: Vec<Vec<f64>> = (0..d).map(|i| (0..d).map(|j| if i == j { 1.0 } else { 0.0 }).collect()).collect();
    let file = temp_file(&serde_json::json!({"w_q": eye, "w_k": eye, "w_v": eye, "w_o": eye}).to_string());
    let base = ["toy", "--text", "one two three", "--d-model", "4", "--heads", "2", "--json"];
    let given = json(&[&base[..], &["--weights", file.to_str().unwrap()]].concat());
    let identity = json(&[&base[..], &["--projections", "identity"]].concat());
    assert_eq!(given["heads"], identity["heads"]);
    assert_eq!(given["output"], identity["output"]);
    assert_eq!(given["weightsFile"], file.to_str().unwrap());
    let huge: Vec<Vec<f64>> = eye.iter().map(|row| row.iter().map(|x| x * 1e25).collect()).collect();
    let overflow = temp_file(&serde_json::json!({"w_q": huge, "w_k": huge, "w_v": eye, "w_o": eye}).to_string());
    fails(
        &["toy", "--text", "a b", "--d-model", "4", "--heads", "2", "--weights", overflow.to_str().unwrap()],
        "",
        "head 0: the score at row 0, column 0 is inf",
    );
    let wrong = temp_file(&serde_json::json!({"w_q": [[1.0]], "w_k": eye, "w_v": eye, "w_o": eye}).to_string());
    fails(
        &["toy", "--text", "a", "--d-model", "4", "--heads", "2", "--weights", wrong.to_str().unwrap()],
        "",
        "W_Q has 1 rows but the input has width 4",
    );
}

#[test]
fn toy_custom_mask_files() {
    let matrix_file = temp_file("[[true, false], [true, true]]");
    let v = json(&["toy", "--text", "a b", "--mask", &format!("custom:{}", matrix_file.display()), "--json"]);
    assert_eq!(v["heads"][0]["masked"][0][1], Value::Null);
    assert_eq!(v["heads"][0]["weights"][0][0], 1.0);
    let blocked_file = temp_file(r#"{"blocked": [[1, 0]]}"#);
    let v = json(&["toy", "--text", "a b", "--mask", &format!("custom:{}", blocked_file.display()), "--json"]);
    assert_eq!(v["heads"][0]["masked"][1][0], Value::Null);
    fails(
        &["toy", "--text", "a b c", "--mask", &format!("custom:{}", matrix_file.display())],
        "",
        "is 2×2 but attention is 3×3 (queries × keys)",
    );
    let bad = temp_file(r#"[[true, 1]]"#);
    fails(&["toy", "--text", "a", "--mask", &format!("custom:{}", bad.display())], "", "row 0, column 1 is 1, not true or false");
}

#[test]
fn toy_fully_masked_rows_are_reported() {
    let file = temp_file("[[false, false], [true, true]]");
    let out = ok(&["toy", "--text", "a b", "--heads", "1", "--mask", &format!("custom:{}", file.display())]);
    assert!(out.contains("query 0 a sees no key"), "{out}");
    let v = json(&["toy", "--text", "a b", "--mask", &format!("custom:{}", file.display()), "--json"]);
    assert_eq!(v["fullyMaskedRows"], serde_json::json!([0]));
    assert_eq!(v["heads"][0]["weights"][0], serde_json::json!([0.0, 0.0]));
}

#[test]
fn qkv_matches_a_hand_computed_example() {
    // Scores q·k: row 0 = [1, 0, 1], scaled by 1/√2; the mask forbids key 1 for query 0.
    let input = r#"{"q": [[1, 0], [0, 1]], "k": [[1, 0], [0, 1], [1, 1]], "v": [[1, 2], [3, 4], [5, 6]],
                    "mask": [[true, false, true], [true, true, true]]}"#;
    let o = attn_with_stdin(&["qkv", "--input", "-", "--json"], input);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(matrix(&v["scores"]), vec![vec![Some(1.0), Some(0.0), Some(1.0)], vec![Some(0.0), Some(1.0), Some(1.0)]]);
    assert_eq!(v["masked"][0][1], Value::Null);
    let w = matrix(&v["weights"]);
    assert_close(w[0][0].unwrap(), 0.5);
    assert_close(w[0][2].unwrap(), 0.5);
    // Query 1: logits [0, s, s] with s = 1/√2.
    let s = 0.5f64.sqrt();
    let z = 1.0 + 2.0 * s.exp();
    assert_close(w[1][0].unwrap(), 1.0 / z);
    assert_close(w[1][1].unwrap(), s.exp() / z);
    let out = matrix(&v["output"]);
    assert_close(out[0][0].unwrap(), 3.0);
    assert_close(out[0][1].unwrap(), 4.0);
    assert_close(out[1][0].unwrap(), (1.0 + 3.0 * s.exp() + 5.0 * s.exp()) / z);
    assert_close(v["scale"].as_f64().unwrap(), s);
}

#[test]
fn qkv_options_scale_temperature_masks_and_breakdown() {
    let file = temp_file(r#"{"q": [[1, 2], [3, 4], [5, 6]], "k": [[1, 0], [0, 1], [1, 1]], "v": [[1], [2], [3]]}"#);
    let path = file.to_str().unwrap();
    let v = json(&[
        "qkv",
        "--input",
        path,
        "--scale",
        "0.5",
        "--temperature",
        "2",
        "--mask",
        "causal",
        "--mask",
        "window:1",
        "--query",
        "2",
        "--json",
    ]);
    assert_eq!((v["scale"].as_f64(), v["temperature"].as_f64()), (Some(0.5), Some(2.0)));
    assert_eq!(v["scaled"][2][2], 11.0 * 0.25);
    assert_eq!(v["masked"][2][0], Value::Null, "window 1 hides key 0 from query 2");
    assert_eq!(v["masked"][0][1], Value::Null, "causal hides key 1 from query 0");
    assert_eq!(v["breakdown"]["query"], 2);
    assert!(v["breakdown"].get("head").is_none(), "one head on its own has no place in a run");
    assert_eq!(v["breakdown"]["allowed"], serde_json::json!([false, true, true]));
    let unscaled = json(&["qkv", "--input", path, "--no-scale", "--json"]);
    assert_eq!(unscaled["scale"], 1.0);
    let text = ok(&["qkv", "--input", path]);
    assert!(text.contains("q2") && text.contains("output = weights · v"), "{text}");
}

#[test]
fn qkv_general_and_additive_scores_take_their_weights() {
    let general = r#"{"q": [[1, 2]], "k": [[1, 0, 1], [0, 1, 0]], "v": [[1], [2]], "w": [[1, 0, 0], [0, 1, 0]]}"#;
    let o = attn_with_stdin(&["qkv", "--input", "-", "--score", "general", "--no-scale", "--json"], general);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(matrix(&v["scores"]), vec![vec![Some(1.0), Some(2.0)]]);
    let additive = r#"{"q": [[1, 2]], "k": [[1, 0, 1]], "v": [[1]], "w_q": [[1], [0]], "w_k": [[0], [0], [1]], "v_a": [2]}"#;
    let o = attn_with_stdin(&["qkv", "--input", "-", "--score", "additive", "--json"], additive);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_close(v["scores"][0][0].as_f64().unwrap(), 2.0 * 2f64.tanh());
    fails(&["qkv", "--input", "-", "--score", "additive"], general, "has \"w\", which --score additive does not use");
}

#[test]
fn work_and_reads_are_bounded_by_the_playgrounds_limits() {
    let column = |n: usize| format!("[{}]", vec!["[1]"; n].join(", "));
    let tall = format!(r#"{{"q": {0}, "k": {0}, "v": {0}}}"#, column(10_000));
    fails(&["qkv", "--input", "-"], &tall, "q is 10000×1, larger than the 1024×1024 attn takes (the playground's limits)");
    let wide = format!(r#"{{"q": [[{}]], "k": [[1]], "v": [[1]]}}"#, vec!["0"; 1025].join(", "));
    fails(&["qkv", "--input", "-"], &wide, "q is 1×1025, larger than the 1024×1024 attn takes");
    let mask = format!(r#"{{"q": [[1]], "k": [[1]], "v": [[1]], "mask": [[{}]]}}"#, vec!["true"; 1025].join(", "));
    fails(&["qkv", "--input", "-"], &mask, "mask is 1×1025, larger than the 1024×1024 attn takes");
    let long = "a ".repeat(4096);
    fails(&["toy", "--text", &long, "--max-tokens", "4096"], "", "max tokens must be between 1 and 1024, not 4096");
    fails(
        &["toy", "--text", &long],
        "",
        "--text has 4096 tokens, more than --max-tokens 1024: shorten it or raise --max-tokens (at most 1024)",
    );
    fails(&["toy", "--text", "hi", "--d-model", "1024", "--heads", "512"], "", "heads must be between 1 and 16, not 512");
    for (args, what) in [
        (vec!["qkv", "--input", "/dev/zero"], "the input file '/dev/zero'"),
        (vec!["toy", "--text", "hi", "--weights", "/dev/zero"], "the weights file '/dev/zero'"),
        (vec!["toy", "--text", "hi", "--mask", "custom:/dev/zero"], "the custom mask file '/dev/zero'"),
    ] {
        fails(&args, "", &format!("{what} is larger than 16 MiB, the most attn reads from an input file"));
    }
}

#[test]
fn bad_input_gives_one_clear_message_and_no_panic() {
    fn toy<'a>(args: &[&'a str]) -> (Vec<&'a str>, String) {
        ([&["toy"][..], args].concat(), String::new())
    }
    let qkv = |json: &str| (vec!["qkv", "--input", "-"], json.to_owned());
    let cases: Vec<((Vec<&str>, String), &str)> = vec![
        (toy(&["--text", ""]), "the text is empty"),
        (toy(&["--text", " \n "]), "the text is empty"),
        (toy(&["--text", "x", "--cross-text", " ", "--mode", "cross"]), "the cross-attention text is empty"),
        (toy(&["--text", "hi", "--d-model", "10", "--heads", "3"]), "d_model 10 is not divisible by 3 heads"),
        (toy(&["--text", "hi", "--heads", "4", "--kv-heads", "3"]), "key/value heads must divide heads"),
        (toy(&["--text", "a b c d e", "--max-tokens", "3"]), "--text has 5 tokens, more than --max-tokens 3"),
        (toy(&["--text", "a", "--cross-text", "a b c", "--max-tokens", "2"]), "--cross-text has 3 tokens, more than --max-tokens 2"),
        (toy(&["--text", "hi", "--max-tokens", "5000"]), "max tokens must be between 1 and 1024"),
        (toy(&["--text", "hi", "--temperature", "0"]), "temperature must be a positive number"),
        (toy(&["--text", "hi", "--temperature", "-2"]), "temperature must be a positive number"),
        (toy(&["--text", "hi", "--mode", "cross"]), "--mode cross needs --cross-text"),
        (toy(&["--text", "hi", "--cross-text", "x", "--mode", "self"]), "--cross-text is only used with --mode cross"),
        (toy(&["--text", "hi", "--query", "1"]), "query 1 does not exist: there is 1 query (0)"),
        (toy(&["--text", "hi", "--head", "4"]), "--head 4 does not exist: there are 4 heads (0–3)"),
        (toy(&["--text", "hi", "--score", "scaled-dot", "--no-scale"]), "contradict each other"),
        (toy(&["--text", "hi", "--mask", "padding:5000"]), "padding to 5000 tokens exceeds the limit of 1024 tokens"),
        (toy(&["--text", "hi", "--mask", "custom:/nonexistent/mask.json"]), "cannot read the custom mask file '/nonexistent/mask.json'"),
        (toy(&["--text", "hi", "--weights", "/nonexistent/w.json"]), "cannot read the weights file"),
        (qkv(""), "is not valid JSON"),
        (qkv("[1, 2]"), "must be a JSON object"),
        (qkv(r#"{"q": [[1]], "k": [[1]], "v": [[1]], "masks": []}"#), "has an unknown key \"masks\""),
        (qkv(r#"{"k": [[1]], "v": [[1]]}"#), "has no \"q\""),
        (qkv(r#"{"q": [], "k": [[1]], "v": [[1]]}"#), "q has no rows"),
        (qkv(r#"{"q": [[]], "k": [[1]], "v": [[1]]}"#), "q row 0 is empty"),
        (qkv(r#"{"q": [[1, 2], [3]], "k": [[1, 2]], "v": [[1]]}"#), "q row 1 has 1 entry but row 0 has 2 entries"),
        (qkv(r#"{"q": [[1, 2]], "k": [[1, 2, 3]], "v": [[1]]}"#), "q has width 2 but k has width 3"),
        (qkv(r#"{"q": [[1]], "k": [[1], [2]], "v": [[1]]}"#), "k has 2 rows but v has 1"),
        (qkv(r#"{"q": [[1, NaN]], "k": [[1, 2]], "v": [[1]]}"#), "q holds a non-finite number (NaN) at row 0, column 1"),
        (qkv(r#"{"q": [[1, 2]], "k": [[1, 2]], "v": [[-Infinity]]}"#), "v holds a non-finite number (-inf) at row 0, column 0"),
        (qkv(r#"{"q": [[1, 2]], "k": [[1, 2]], "v": [[1e39]]}"#), "v holds a non-finite number (inf) at row 0, column 0"),
        (qkv(r#"{"q": [[1, 2]], "k": [[1e999, 2]], "v": [[1]]}"#), "holds a number too large to be finite at line 1, column"),
        (qkv(r#"{"q": [[1, "2"]], "k": [[1, 2]], "v": [[1]]}"#), "q row 0, column 1 is \"2\", not a number"),
        (
            qkv(r#"{"q": [[1e30]], "k": [[1e30], [1]], "v": [[1], [2]]}"#),
            "the score at row 0, column 0 is inf: the inputs or weights are too large",
        ),
        (qkv(r#"{"q": [[1]], "k": [[1]], "v": [[1]], "mask": [[true, true]]}"#), "mask must be 1×1 (queries × keys), not 1×2"),
        (qkv(r#"{"q": [[1]], "k": [[1]], "v": [[1]], "w": [[1]]}"#), "has \"w\", which --score dot does not use"),
    ];
    for ((args, stdin), expected) in cases {
        fails(&args, &stdin, expected);
    }
    fails(&["qkv", "--input", "-", "--score", "general"], r#"{"q": [[1]], "k": [[1]], "v": [[1]]}"#, "--score general needs \"w\"");
    fails(
        &["qkv", "--input", "-", "--score", "additive"],
        r#"{"q": [[1]], "k": [[1]], "v": [[1]]}"#,
        "--score additive needs \"w_q\", \"w_k\", \"v_a\"",
    );
    fails(&["qkv", "--input", "-", "--score", "general"], r#"{"q": [[1, 2]], "k": [[1]], "v": [[1]], "w": [[1, 2]]}"#, "w must be 2×1");
    fails(
        &["qkv", "--input", "-", "--mask", "padding:2"],
        r#"{"q": [[1]], "k": [[1]], "v": [[1]]}"#,
        "qkv takes --mask causal or window:W",
    );
    fails(
        &["qkv", "--input", "-", "--temperature", "0"],
        r#"{"q": [[1]], "k": [[1]], "v": [[1]]}"#,
        "--temperature must be a positive number",
    );
    fails(&["qkv", "--input", "-", "--query", "3"], r#"{"q": [[1]], "k": [[1]], "v": [[1]]}"#, "query 3 does not exist");
}

#[test]
fn unknown_options_are_usage_errors() {
    for args in [
        &["toy", "--text", "hi", "--bogus"][..],
        &["toy"],
        &["toy", "--text", "hi", "--score", "euclid"],
        &["toy", "--text", "hi", "--mask", "window"],
        &["frobnicate"],
    ] {
        let o = attn(args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.starts_with("error: ") && !err.contains("panicked"), "{err}");
    }
    assert!(stderr(&attn(&["toy", "--text", "hi", "--mask", "window"])).contains("window needs a width, as in window:4"));
}

#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_attn"))
        .args(["toy", "--text", &"word ".repeat(300), "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(o.stderr.is_empty());
}
