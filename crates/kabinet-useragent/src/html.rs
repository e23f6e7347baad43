//! Just enough HTML reading to fill in forms: the `<form>` elements of a page with their
//! inputs and buttons, and the text of an element marked `role="alert"`. It reads well-formed
//! server-rendered pages such as the sandbox's; it is not a general HTML parser.

/// A form on a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    /// The `action` attribute, as written (relative or absolute).
    pub action: String,
    /// The method, lowercase; `get` when absent.
    pub method: String,
    /// `<input>` fields in document order: name, value and type.
    pub inputs: Vec<Input>,
    /// Submit buttons that have a name: name and value.
    pub buttons: Vec<(String, String)>,
}

/// An `<input>` element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// Its name.
    pub name: String,
    /// Its value attribute, or empty.
    pub value: String,
    /// Its type, lowercase; `text` when absent.
    pub kind: String,
}

impl Form {
    /// Whether the form has an input with this name.
    pub fn has_input(&self, name: &str) -> bool {
        self.inputs.iter().any(|input| input.name == name)
    }
}

/// Decodes the character references the sandbox emits, and numeric ones.
pub fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('&') {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let Some(end) = tail.find(';').filter(|end| *end <= 10) else {
            out.push('&');
            rest = &tail[1..];
            continue;
        };
        let entity = &tail[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity.strip_prefix('#').and_then(|num| {
                let value = match num.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => num.parse().ok(),
                };
                value.and_then(char::from_u32)
            }),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &tail[end + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The attributes of a start tag's inside (what stands between the tag name and `>`).
fn attributes(inside: &str) -> Vec<(String, String)> {
    let mut attrs = Vec::new();
    let mut chars = inside.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if c.is_whitespace() || c == '/' {
            chars.next();
            continue;
        }
        let mut end = start;
        while let Some(&(i, c)) = chars.peek() {
            if c.is_whitespace() || c == '=' || c == '/' {
                break;
            }
            end = i + c.len_utf8();
            chars.next();
        }
        let name = inside[start..end].to_ascii_lowercase();
        while chars.peek().is_some_and(|(_, c)| c.is_whitespace()) {
            chars.next();
        }
        if chars.peek().is_some_and(|(_, c)| *c == '=') {
            chars.next();
            while chars.peek().is_some_and(|(_, c)| c.is_whitespace()) {
                chars.next();
            }
            let value = match chars.peek().copied() {
                Some((i, quote @ ('"' | '\''))) => {
                    chars.next();
                    let from = i + 1;
                    let mut to = inside.len();
                    for (j, c) in chars.by_ref() {
                        if c == quote {
                            to = j;
                            break;
                        }
                    }
                    &inside[from..to]
                }
                Some((i, _)) => {
                    let mut to = inside.len();
                    while let Some(&(j, c)) = chars.peek() {
                        if c.is_whitespace() {
                            to = j;
                            break;
                        }
                        chars.next();
                    }
                    &inside[i..to]
                }
                None => "",
            };
            attrs.push((name, decode_entities(value)));
        } else if !name.is_empty() {
            attrs.push((name, String::new()));
        }
    }
    attrs
}

/// A start tag: where it ends and its attributes.
struct Tag {
    end: usize,
    attrs: Vec<(String, String)>,
}

/// Every start tag named `tag` in `html`.
fn start_tags(html: &str, tag: &str) -> Vec<Tag> {
    let lower = html.to_ascii_lowercase();
    let open = format!("<{tag}");
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(pos) = lower[from..].find(&open).map(|p| p + from) {
        let after = pos + open.len();
        let boundary = lower[after..].chars().next().is_none_or(|c| c.is_whitespace() || c == '>');
        let Some(close) = lower[after..].find('>').map(|p| p + after) else { break };
        if boundary {
            found.push(Tag { end: close + 1, attrs: attributes(&html[after..close]) });
        }
        from = close + 1;
    }
    found
}

fn attr<'a>(attrs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attrs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

/// The forms of a page, in document order.
pub fn forms(html: &str) -> Vec<Form> {
    let lower = html.to_ascii_lowercase();
    start_tags(html, "form")
        .into_iter()
        .map(|Tag { end: body_start, attrs }| {
            let body_end =
                lower[body_start..].find("</form").map_or(html.len(), |p| p + body_start);
            let body = &html[body_start..body_end];
            let inputs = start_tags(body, "input")
                .into_iter()
                .filter_map(|Tag { attrs: a, .. }| {
                    Some(Input {
                        name: attr(&a, "name")?.to_owned(),
                        value: attr(&a, "value").unwrap_or_default().to_owned(),
                        kind: attr(&a, "type").unwrap_or("text").to_ascii_lowercase(),
                    })
                })
                .collect();
            let buttons = start_tags(body, "button")
                .into_iter()
                .filter_map(|Tag { attrs: a, .. }| {
                    Some((
                        attr(&a, "name")?.to_owned(),
                        attr(&a, "value").unwrap_or_default().to_owned(),
                    ))
                })
                .collect();
            Form {
                action: attr(&attrs, "action").unwrap_or_default().to_owned(),
                method: attr(&attrs, "method").unwrap_or("get").to_ascii_lowercase(),
                inputs,
                buttons,
            }
        })
        .collect()
}

/// The text of the first element with `role="alert"`, tags stripped.
pub fn alert(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let marker = lower.find("role=\"alert\"")?;
    let start = lower[marker..].find('>')? + marker + 1;
    let end = lower[start..].find("</")? + start;
    Some(decode_entities(html[start..end].trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<html><body>
<form class="lang" method="post" action="/lang"><input type="hidden" name="flow" value="f&amp;1">
<button type="submit" name="x" value="y">English</button></form>
<p id="form-error" class="error" role="alert">Неверный логин &quot;x&quot;</p>
<FORM method=POST action='/login' novalidate>
<input type="hidden" name="flow" value="abc">
<input id="login" name="login" type="text" required autofocus value="">
<input name=password type=password>
<button type="submit">Войти</button>
</FORM></body></html>"#;

    #[test]
    fn reads_forms_inputs_and_buttons() {
        let forms = forms(PAGE);

        assert_eq!(forms.len(), 2);
        assert_eq!(forms[0].inputs[0].value, "f&1", "entities in values are decoded");
        assert_eq!(forms[0].buttons, vec![("x".to_owned(), "y".to_owned())]);
        assert_eq!(forms[1].action, "/login");
        assert_eq!(forms[1].method, "post", "attribute values without quotes are read");
        let names: Vec<&str> = forms[1].inputs.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["flow", "login", "password"]);
        assert_eq!(forms[1].inputs[2].kind, "password");
    }

    #[test]
    fn reads_the_alert() {
        assert_eq!(alert(PAGE).as_deref(), Some(r#"Неверный логин "x""#));
        assert_eq!(alert("<p>fine</p>"), None);
    }

    #[test]
    fn decodes_numeric_references_and_leaves_stray_ampersands() {
        assert_eq!(decode_entities("&#39;a&#x41;&b"), "'aA&b");
    }
}
