//! Opening the system browser, honouring `$BROWSER` the way `xdg-open` does.

use std::process::{Command, Stdio};

use crate::Error;

/// Something that can show a URL to the person.
pub trait Browser: Send + Sync {
    /// Opens `url`.
    ///
    /// # Errors
    /// When no browser could be started.
    fn open(&self, url: &str) -> Result<(), Error>;
}

/// The system browser. `$BROWSER`, when set, is a `:`-separated list of commands tried in
/// turn; `%s` in a command stands for the URL, otherwise the URL is appended. Without it the
/// platform's opener is used.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemBrowser;

/// The argument lists `$BROWSER` asks for, one per command.
pub fn browser_commands(browser_var: &str, url: &str) -> Vec<Vec<String>> {
    browser_var
        .split(':')
        .map(str::trim)
        .filter(|command| !command.is_empty())
        .map(|command| {
            let mut args: Vec<String> = command.split_whitespace().map(str::to_owned).collect();
            if args.iter().any(|arg| arg.contains("%s")) {
                for arg in &mut args {
                    *arg = arg.replace("%s", url);
                }
            } else {
                args.push(url.to_owned());
            }
            args
        })
        .collect()
}

impl Browser for SystemBrowser {
    fn open(&self, url: &str) -> Result<(), Error> {
        if let Ok(var) = std::env::var("BROWSER") {
            for args in browser_commands(&var, url) {
                let Some((program, rest)) = args.split_first() else { continue };
                let started = Command::new(program)
                    .args(rest)
                    .stdin(Stdio::null())
                    .stdout(Stdio::null())
                    .spawn();
                match started {
                    Ok(_) => return Ok(()),
                    Err(err) => tracing::debug!(program, error = %err, "a $BROWSER entry failed"),
                }
            }
        }
        open::that_detached(url).map_err(|err| {
            Error::SignInFailed(format!("cannot open a browser ({err}); use --no-browser"))
        })
    }
}

/// A "browser" that prints the URL for the person to open elsewhere (`--no-browser`).
#[derive(Debug, Default, Clone, Copy)]
pub struct PrintUrl;

impl Browser for PrintUrl {
    fn open(&self, url: &str) -> Result<(), Error> {
        eprintln!("Open this address in a browser to sign in:\n\n  {url}\n");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_variable_is_read_like_xdg_open() {
        assert_eq!(browser_commands("firefox", "U"), vec![vec!["firefox", "U"]]);
        assert_eq!(
            browser_commands("my-agent --flag %s:lynx", "U"),
            vec![vec!["my-agent", "--flag", "U"], vec!["lynx", "U"]]
        );
        assert!(browser_commands("", "U").is_empty());
    }
}
