//! A strict JSON parser (the grammar `JSON.parse` accepts) that writes dag-cbor as it
//! goes, with no tree in between: scalars are encoded in place, and a map's entries are
//! put in dag-cbor's key order once the map is closed.

use crate::dag_cbor::{
    head, write_head, write_number, ARRAY, FALSE, MAP, MAX_DEPTH, NULL, TEXT, TRUE,
};
use crate::CoreError;
use std::cmp::Ordering;

pub(crate) struct Parser<'a> {
    bytes: &'a [u8],
    at: usize,
    depth: usize,
    /// The first value found with no dag-cbor form. It is reported only once the whole
    /// text parsed, as `JSON.parse` runs before the encoder: a text that is not JSON is
    /// `InvalidJson` wherever its fault lies.
    unencodable: Option<CoreError>,
}

/// One map entry as written: where its key starts, where its value starts and ends.
type Entry = (usize, usize, usize);

impl<'a> Parser<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Parser { bytes, at: 0, depth: 0, unencodable: None }
    }

    /// One JSON value with optional whitespace around it, and nothing else.
    pub(crate) fn document(&mut self, out: &mut Vec<u8>) -> Result<(), CoreError> {
        self.skip_whitespace();
        self.value(out)?;
        self.skip_whitespace();
        if self.at < self.bytes.len() {
            return Err(self.error("unexpected text after the value"));
        }
        self.unencodable.take().map_or(Ok(()), Err)
    }

    fn error(&self, message: &str) -> CoreError {
        CoreError::InvalidJson { position: self.at, message: message.into() }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.at += 1;
        }
    }

    fn expect(&mut self, byte: u8, message: &str) -> Result<(), CoreError> {
        if self.peek() != Some(byte) {
            return Err(self.error(message));
        }
        self.at += 1;
        Ok(())
    }

    fn value(&mut self, out: &mut Vec<u8>) -> Result<(), CoreError> {
        match self.peek() {
            None => Err(self.error("unexpected end of text")),
            Some(b'{' | b'[') if self.depth == MAX_DEPTH => {
                self.skip_nested()?;
                out.push(NULL);
                self.defer(CoreError::Unencodable(format!(
                    "values nested deeper than {MAX_DEPTH} cannot be encoded"
                )));
                Ok(())
            }
            Some(b'{') => self.object(out),
            Some(b'[') => self.array(out),
            Some(b'"') => self.string(out),
            Some(b't') => self.literal(b"true", TRUE, out),
            Some(b'f') => self.literal(b"false", FALSE, out),
            Some(b'n') => self.literal(b"null", NULL, out),
            Some(b'-' | b'0'..=b'9') => self.number(out),
            Some(_) => Err(self.error("unexpected character")),
        }
    }

    fn literal(&mut self, word: &[u8], byte: u8, out: &mut Vec<u8>) -> Result<(), CoreError> {
        if !self.bytes[self.at..].starts_with(word) {
            return Err(self.error("unexpected character"));
        }
        self.at += word.len();
        out.push(byte);
        Ok(())
    }

    fn defer(&mut self, error: CoreError) {
        self.unencodable.get_or_insert(error);
    }

    fn enter(&mut self) {
        self.depth += 1;
        self.at += 1;
        self.skip_whitespace();
    }

    /// Checks the syntax of a value nested too deeply to encode, with a stack of its own
    /// instead of recursion (however deep it goes), writing nothing.
    fn skip_nested(&mut self) -> Result<(), CoreError> {
        let mut scratch = Vec::new();
        let mut closers: Vec<u8> = Vec::new();
        loop {
            self.skip_whitespace();
            let open = self.peek();
            if let Some(open @ (b'[' | b'{')) = open {
                let close = if open == b'[' { b']' } else { b'}' };
                self.at += 1;
                self.skip_whitespace();
                if self.peek() == Some(close) {
                    self.at += 1;
                } else {
                    closers.push(close);
                    if close == b'}' {
                        self.key(&mut scratch)?;
                    }
                    continue;
                }
            } else {
                scratch.clear();
                self.value(&mut scratch)?;
            }
            loop {
                let Some(&close) = closers.last() else { return Ok(()) };
                self.skip_whitespace();
                match self.peek() {
                    Some(b',') => {
                        self.at += 1;
                        if close == b'}' {
                            self.key(&mut scratch)?;
                        }
                        break;
                    }
                    Some(byte) if byte == close => {
                        self.at += 1;
                        closers.pop();
                    }
                    _ => return Err(self.error("expected ',' or the end of an array or object")),
                }
            }
        }
    }

    /// An object's key and its colon, into `scratch`.
    fn key(&mut self, scratch: &mut Vec<u8>) -> Result<(), CoreError> {
        self.skip_whitespace();
        if self.peek() != Some(b'"') {
            return Err(self.error("expected a string key"));
        }
        scratch.clear();
        self.string(scratch)?;
        self.skip_whitespace();
        self.expect(b':', "expected ':'")
    }

    fn array(&mut self, out: &mut Vec<u8>) -> Result<(), CoreError> {
        self.enter();
        let start = out.len();
        let mut count = 0u64;
        if self.peek() == Some(b']') {
            self.at += 1;
        } else {
            loop {
                self.skip_whitespace();
                self.value(out)?;
                count += 1;
                self.skip_whitespace();
                match self.peek() {
                    Some(b',') => self.at += 1,
                    Some(b']') => {
                        self.at += 1;
                        break;
                    }
                    _ => return Err(self.error("expected ',' or ']'")),
                }
            }
        }
        self.depth -= 1;
        out.splice(start..start, head(ARRAY, count));
        Ok(())
    }

    fn object(&mut self, out: &mut Vec<u8>) -> Result<(), CoreError> {
        self.enter();
        let start = out.len();
        let mut entries: Vec<Entry> = Vec::new();
        if self.peek() == Some(b'}') {
            self.at += 1;
        } else {
            loop {
                self.skip_whitespace();
                if self.peek() != Some(b'"') {
                    return Err(self.error("expected a string key"));
                }
                let key = out.len();
                self.string(out)?;
                let value = out.len();
                self.skip_whitespace();
                self.expect(b':', "expected ':'")?;
                self.skip_whitespace();
                self.value(out)?;
                entries.push((key, value, out.len()));
                self.skip_whitespace();
                match self.peek() {
                    Some(b',') => self.at += 1,
                    Some(b'}') => {
                        self.at += 1;
                        break;
                    }
                    _ => return Err(self.error("expected ',' or '}'")),
                }
            }
        }
        self.depth -= 1;
        put_in_key_order(out, start, &mut entries);
        Ok(())
    }

    fn number(&mut self, out: &mut Vec<u8>) -> Result<(), CoreError> {
        let start = self.at;
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        match self.peek() {
            Some(b'0') => self.at += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.error("expected a digit")),
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            self.required_digits()?;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.at += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.at += 1;
            }
            self.required_digits()?;
        }
        // The slice is ASCII by construction; Rust's parse rounds as JavaScript's does.
        let text = std::str::from_utf8(&self.bytes[start..self.at]).expect("ASCII digits");
        let value: f64 = text.parse().map_err(|_| self.error("invalid number"))?;
        if let Err(error) = write_number(out, value) {
            out.push(NULL);
            self.defer(error);
        }
        Ok(())
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.at += 1;
        }
    }

    fn required_digits(&mut self) -> Result<(), CoreError> {
        if !matches!(self.peek(), Some(b'0'..=b'9')) {
            return Err(self.error("expected a digit"));
        }
        self.digits();
        Ok(())
    }

    /// A string, written as a dag-cbor text string (head, then UTF-8).
    fn string(&mut self, out: &mut Vec<u8>) -> Result<(), CoreError> {
        self.at += 1;
        let start = self.at;
        // Most strings have no escapes: copy them in one go.
        while let Some(&byte) = self.bytes.get(self.at) {
            match byte {
                b'"' => {
                    write_head(out, TEXT, (self.at - start) as u64);
                    out.extend_from_slice(&self.bytes[start..self.at]);
                    self.at += 1;
                    return Ok(());
                }
                b'\\' | 0..=0x1f => break,
                _ => self.at += 1,
            }
        }
        let mut text = self.bytes[start..self.at].to_vec();
        loop {
            match self.peek() {
                None => return Err(self.error("unterminated string")),
                Some(b'"') => break,
                Some(0..=0x1f) => return Err(self.error("control character in a string")),
                Some(b'\\') => self.escape(&mut text)?,
                Some(byte) => {
                    text.push(byte);
                    self.at += 1;
                }
            }
        }
        self.at += 1;
        write_head(out, TEXT, text.len() as u64);
        out.extend_from_slice(&text);
        Ok(())
    }

    fn escape(&mut self, text: &mut Vec<u8>) -> Result<(), CoreError> {
        self.at += 1;
        let byte = self.peek().ok_or_else(|| self.error("unterminated string"))?;
        self.at += 1;
        let decoded = match byte {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => self.unicode_escape()?,
            _ => {
                self.at -= 1;
                return Err(self.error("invalid escape"));
            }
        };
        let mut buffer = [0u8; 4];
        text.extend_from_slice(decoded.encode_utf8(&mut buffer).as_bytes());
        Ok(())
    }

    /// `\uXXXX` (the `\u` already read), pairing surrogates as JavaScript strings do;
    /// an unpaired one becomes U+FFFD, as dag-cbor's UTF-8 encoding makes it.
    fn unicode_escape(&mut self) -> Result<char, CoreError> {
        let unit = self.hex4()?;
        if (0xd800..0xdc00).contains(&unit) && self.bytes[self.at..].starts_with(b"\\u") {
            let save = self.at;
            self.at += 2;
            let low = self.hex4()?;
            if (0xdc00..0xe000).contains(&low) {
                let code = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
                return Ok(char::from_u32(code).expect("a valid surrogate pair"));
            }
            self.at = save;
        }
        Ok(char::from_u32(unit).unwrap_or('\u{fffd}'))
    }

    fn hex4(&mut self) -> Result<u32, CoreError> {
        let digits = self.bytes.get(self.at..self.at + 4).ok_or_else(|| self.error("invalid \\u escape"))?;
        let text = std::str::from_utf8(digits).map_err(|_| self.error("invalid \\u escape"))?;
        if !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(self.error("invalid \\u escape"));
        }
        self.at += 4;
        Ok(u32::from_str_radix(text, 16).expect("hex digits"))
    }
}

/// Rewrites the entries written since `start` as a dag-cbor map: keys sorted by length,
/// then bytewise (comparing the encoded keys is the same: same major type), and of
/// duplicate keys the last one kept, as `JSON.parse` keeps it.
fn put_in_key_order(out: &mut Vec<u8>, start: usize, entries: &mut [Entry]) {
    let body = out.split_off(start);
    let key = |&(k, v, _): &Entry| &body[k - start..v - start];
    entries.sort_by(|a, b| {
        let (a, b) = (key(a), key(b));
        a.len().cmp(&b.len()).then_with(|| a.cmp(b))
    });
    let kept: Vec<&Entry> = entries
        .iter()
        .enumerate()
        .filter(|(i, entry)| {
            entries.get(i + 1).is_none_or(|next| key(next).cmp(key(entry)) != Ordering::Equal)
        })
        .map(|(_, entry)| entry)
        .collect();
    write_head(out, MAP, kept.len() as u64);
    for &&(k, _, end) in &kept {
        out.extend_from_slice(&body[k - start..end - start]);
    }
}
