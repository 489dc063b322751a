//! The existing plasmite command's vocabulary (version 0.8): its command and
//! flag names are accepted as aliases of ours, and its `pool … --json`
//! commands print its JSON shapes, so scripts written for it run unchanged.
//!
//! The command aliases (`feed`, `fetch`, `completion`) are clap aliases on
//! our commands; `follow`, `pool` and `version` are commands of their own
//! over the same code. The flag aliases are applied here, to the command
//! definition, by each flag's long name: a flag that is not there gets no
//! alias (and gets it once it is).

use clap::builder::ArgPredicate;
use clap::{ArgMatches, Args, Command, CommandFactory, FromArgMatches, Subcommand};

use super::{Cli, CreateArgs, DeleteArgs, Format, InfoArgs, ListArgs, TailArgs};

/// The "Coming from plasmite" part of `pls --help`.
pub const COMING_FROM_PLASMITE: &str = "\
Coming from plasmite (0.8):
  Its words work here too: feed = append (--create-size, -f/--file, -e/--errors,
  -i/--in, --retry), fetch = get, follow = tail -f from the live edge (--tail N,
  --one, --jsonl, --where, --since, --replay, --data-only, --timeout),
  pool create|info|list|delete (with its --json shapes), completion = completions,
  version (JSON when piped). NAME.plasmite is the pool NAME in the pool directory.";

// The `pool` group and `follow` are commands of their own, defined (their
// arguments added) only when they run: a run of another command pays
// nothing for them (`Command::defer`).

/// `pool`: its subcommands, defined when it runs.
#[derive(Debug)]
pub struct PoolArgs {
    pub command: PoolCommand,
}

impl FromArgMatches for PoolArgs {
    fn from_arg_matches(m: &ArgMatches) -> Result<Self, clap::Error> {
        PoolCommand::from_arg_matches(m).map(|command| PoolArgs { command })
    }

    fn update_from_arg_matches(&mut self, m: &ArgMatches) -> Result<(), clap::Error> {
        self.command.update_from_arg_matches(m)
    }
}

impl Args for PoolArgs {
    fn augment_args(cmd: Command) -> Command {
        cmd.defer(pool_command)
    }

    fn augment_args_for_update(cmd: Command) -> Command {
        cmd.defer(pool_command)
    }
}

fn pool_command(cmd: Command) -> Command {
    PoolCommand::augment_subcommands(cmd)
        .subcommand_required(true)
        .arg_required_else_help(true)
}

/// `follow`: tail's arguments with the existing command's names and
/// defaults, defined when it runs.
#[derive(Debug)]
pub struct FollowArgs(pub TailArgs);

impl FromArgMatches for FollowArgs {
    fn from_arg_matches(m: &ArgMatches) -> Result<Self, clap::Error> {
        TailArgs::from_arg_matches(m).map(FollowArgs)
    }

    fn update_from_arg_matches(&mut self, m: &ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches(m)
    }
}

impl Args for FollowArgs {
    fn augment_args(cmd: Command) -> Command {
        cmd.defer(follow_command)
    }

    fn augment_args_for_update(cmd: Command) -> Command {
        cmd.defer(follow_command)
    }
}

fn follow_command(cmd: Command) -> Command {
    follow_flags(TailArgs::augment_args(cmd))
}

// `pool create|info|list|delete`: our `create`, `info`, `list` and
// `delete`, whose `--json` prints the existing command's shapes. (A doc
// comment here would replace `pool`'s description when it is built.)
#[derive(Debug, Subcommand)]
pub enum PoolCommand {
    /// Create one or more pools (--json: {"created":[INFO…]})
    Create(CreateArgs),
    /// Show a pool's size, bounds and usage (--json: the info object)
    Info(InfoArgs),
    /// List the pools in the pool directory (--json: {"pools":[…]} with mtime)
    List(ListArgs),
    /// Delete pools (--json: {"deleted":[{"pool","path"}…],"failed":[{"pool","error"}…]})
    Delete(DeleteArgs),
}

/// Whose JSON shapes an admin command prints with `--json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shapes {
    /// Ours (`pls create|info|list|delete`).
    Pls,
    /// The existing command's (`pls pool create|info|list|delete`).
    Plasmite,
}

/// The command definition with the existing command's flag names added
/// (`follow`'s when it is built).
pub fn command() -> Command {
    let mut cmd = Cli::command();
    // In place: moving the whole definition around costs more than this.
    if let Some(append) = cmd.find_subcommand_mut("append") {
        *append = feed_flags(std::mem::take(append));
    }
    cmd
}

/// Parses the process arguments (exits on a usage error, as clap does).
pub fn parse() -> Cli {
    let matches = command().get_matches();
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

/// `feed` is `append`: `--create-size` is `--size`, and `-f`, `-e`, `-i`
/// are `--file`, `--errors`, `--in`.
fn feed_flags(cmd: Command) -> Command {
    let cmd = match id_of(&cmd, "size") {
        Some(id) => cmd.mut_arg(id, |a| a.visible_alias("create-size")),
        None => cmd,
    };
    let cmd = short_for(cmd, "file", 'f');
    let cmd = short_for(cmd, "errors", 'e');
    short_for(cmd, "in", 'i')
}

/// `follow` is `tail -f` starting at the live edge: `-n/--tail N` (default
/// 0) prints the last N first. With `--replay` it ends after the range, as
/// the existing command's does. `--quiet-drops` and `--no-notify` are
/// accepted and do nothing (drop notes go to a terminal only; wake-ups are
/// not optional).
fn follow_flags(cmd: Command) -> Command {
    let cmd = match id_of(&cmd, "lines") {
        Some(id) => cmd.mut_arg(id, |a| {
            a.long("tail")
                .alias("lines")
                .default_value("0")
                .help("Print the last N messages first, then keep following")
        }),
        None => cmd,
    };
    // Its switches about notices and wake-ups have nothing to switch here:
    // accepted, so scripts that pass them run.
    let cmd = ["quiet-drops", "no-notify"].into_iter().fold(cmd, |cmd, long| {
        if id_of(&cmd, long).is_some() {
            return cmd;
        }
        cmd.arg(
            clap::Arg::new(long)
                .long(long)
                .action(clap::ArgAction::SetTrue)
                .hide(true),
        )
    });
    let replay = id_of(&cmd, "replay");
    match id_of(&cmd, "follow") {
        Some(id) => cmd.mut_arg(id, |a| {
            let a = a.default_value("true").hide(true);
            match replay {
                Some(r) => a.default_value_if(r, ArgPredicate::IsPresent, Some("false")),
                None => a,
            }
        }),
        None => cmd,
    }
}

/// The id of the argument whose long name is `long`.
fn id_of(cmd: &Command, long: &str) -> Option<clap::Id> {
    cmd.get_arguments()
        .find(|a| a.get_long() == Some(long))
        .map(|a| a.get_id().clone())
}

/// Gives the argument `--long` the short name `short`, unless it has one or
/// another argument uses it.
fn short_for(cmd: Command, long: &str, short: char) -> Command {
    if cmd.get_arguments().any(|a| a.get_short() == Some(short)) {
        return cmd;
    }
    let id = cmd
        .get_arguments()
        .find(|a| a.get_long() == Some(long) && a.get_short().is_none())
        .map(|a| a.get_id().clone());
    match id {
        Some(id) => cmd.mut_arg(id, |a| a.short(short)),
        None => cmd,
    }
}

/// `--jsonl` is `--format jsonl`; `--one` is `--max 1`.
pub fn tail_args(mut a: TailArgs) -> TailArgs {
    if a.jsonl {
        a.format = Some(Format::Jsonl);
    }
    if a.one {
        a.max = Some(1);
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{Arg, ArgAction};

    /// `follow` follows unless `--replay` is given, whenever tail has it;
    /// `-n/--tail` defaults to 0.
    #[test]
    fn follow_flags_follow_and_replay() {
        let tail = |with_replay: bool| {
            let c = Command::new("follow")
                .arg(Arg::new("last").short('n').long("lines").default_value("10"))
                .arg(
                    Arg::new("follow")
                        .short('f')
                        .long("follow")
                        .action(ArgAction::SetTrue),
                );
            follow_flags(if with_replay {
                c.arg(Arg::new("replay").long("replay"))
            } else {
                c
            })
        };
        let m = tail(true).get_matches_from(["follow"]);
        assert!(m.get_flag("follow"));
        assert_eq!(m.get_one::<String>("last").map(String::as_str), Some("0"));
        let m = tail(true).get_matches_from(["follow", "--replay", "0", "--tail", "5"]);
        assert!(!m.get_flag("follow"));
        assert_eq!(m.get_one::<String>("last").map(String::as_str), Some("5"));
        let m = tail(false).get_matches_from(["follow", "--lines", "2"]);
        assert!(m.get_flag("follow"));
        assert_eq!(m.get_one::<String>("last").map(String::as_str), Some("2"));
    }

    /// `feed`'s short flags land on append's flags by long name, once they
    /// exist, and never take a short name already used.
    #[test]
    fn feed_flags_by_long_name() {
        let c = Command::new("append")
            .arg(Arg::new("size").long("size"))
            .arg(Arg::new("input_mode").long("in"))
            .arg(Arg::new("file").long("file"))
            .arg(Arg::new("other").short('e').long("other"))
            .arg(Arg::new("errors").long("errors"));
        let c = feed_flags(c);
        let m = c
            .clone()
            .get_matches_from(["feed", "-i", "jsonl", "-f", "x", "--create-size", "64K"]);
        assert_eq!(
            m.get_one::<String>("input_mode").map(String::as_str),
            Some("jsonl")
        );
        assert_eq!(m.get_one::<String>("file").map(String::as_str), Some("x"));
        assert_eq!(m.get_one::<String>("size").map(String::as_str), Some("64K"));
        let errors = c.get_arguments().find(|a| a.get_id() == "errors").unwrap();
        assert_eq!(errors.get_short(), None, "-e was taken");
        // The real definition builds (clap checks it in debug builds).
        command().debug_assert();
    }
}
