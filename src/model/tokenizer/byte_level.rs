//! GPT-2's byte-level alphabet: each of the 256 byte values stands for one printable character,
//! so that a vocabulary of strings can hold any byte sequence. Bytes that are printable Latin-1
//! characters (`!`–`~`, `¡`–`¬`, `®`–`ÿ`) stand for themselves; the 68 others (controls, space,
//! DEL, the C1 range, no-break space and soft hyphen) take the characters from U+0100 on, in
//! byte order: space (0x20) is `Ġ` (U+0120), newline (0x0A) is `Ċ` (U+010A).

/// Whether byte `b` is one of the printable Latin-1 characters that stand for themselves.
const fn is_printable(b: u8) -> bool {
    matches!(b, b'!'..=b'~' | 0xA1..=0xAC | 0xAE..=0xFF)
}

/// The character of every byte value.
const BYTE_CHARS: [char; 256] = {
    let mut table = ['\0'; 256];
    let mut shifted = 0u32;
    let mut b = 0usize;
    while b < 256 {
        let code = if is_printable(b as u8) {
            b as u32
        } else {
            shifted += 1;
            0x100 + shifted - 1
        };
        table[b] = match char::from_u32(code) {
            Some(c) => c,
            None => '\0',
        };
        b += 1;
    }
    table
};

/// The character standing for byte `b`.
pub fn byte_char(b: u8) -> char {
    BYTE_CHARS[b as usize]
}

/// The byte a character of the alphabet stands for; `None` for characters outside it.
pub fn char_byte(c: char) -> Option<u8> {
    let code = c as u32;
    if code < 0x100 {
        return is_printable(code as u8).then_some(code as u8);
    }
    SHIFTED_BYTES.get(code as usize - 0x100).copied()
}

/// The bytes of the shifted characters U+0100 … U+0143, in order.
const SHIFTED_BYTES: [u8; 68] = {
    let mut table = [0u8; 68];
    let mut next = 0;
    let mut b = 0usize;
    while b < 256 {
        if !is_printable(b as u8) {
            table[next] = b as u8;
            next += 1;
        }
        b += 1;
    }
    table
};

/// The alphabet's string of `bytes` (one character per byte).
pub fn bytes_to_symbols(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| byte_char(b)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_characters() {
        assert_eq!(byte_char(b' '), 'Ġ');
        assert_eq!(byte_char(b'\n'), 'Ċ');
        assert_eq!(byte_char(b'\t'), 'ĉ');
        assert_eq!(byte_char(0), 'Ā');
        assert_eq!(byte_char(b'a'), 'a');
        assert_eq!(byte_char(0xAD), '\u{143}');
        assert_eq!(bytes_to_symbols("é".as_bytes()), "Ã©");
    }

    #[test]
    fn the_map_is_a_bijection() {
        let mut seen = std::collections::HashSet::new();
        for b in 0..=255u8 {
            let c = byte_char(b);
            assert!(seen.insert(c), "{c:?} twice");
            assert_eq!(char_byte(c), Some(b));
        }
        assert_eq!(char_byte(' '), None);
        assert_eq!(char_byte('Ŕ'), None);
    }
}
