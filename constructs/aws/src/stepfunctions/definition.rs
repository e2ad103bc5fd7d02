//! A state machine definition: its states, the checks Step Functions makes
//! on them (every `Next` names a state, every state is reachable and
//! either continues or ends), and its rendering into `DefinitionString`,
//! a plain JSON string, or `Fn::Sub` when ARNs are template references.

use std::collections::VecDeque;

use strata_core::{Fn, Json, Raw, Target, ToRaw, Value};

use super::retry::{Catch, Retry};
use super::states::{path_problem, State, TaskResource, Transition, WaitFor};

/// The states of a state machine (or of a Parallel branch, or of a Map's
/// item processor), starting at one of them.
///
/// ```
/// use strata::stepfunctions::{Definition, Pass, Succeed};
/// let definition = Definition::new("Greet")
///     .state("Greet", Pass::new().next("Done"))
///     .state("Done", Succeed::new());
/// assert!(definition.problems().is_empty());
/// let broken = Definition::new("Greet").state("Greet", Pass::new().next("Missing"));
/// assert_eq!(
///     broken.problems(),
///     ["state \"Greet\" goes to \"Missing\", which is not defined; define it or fix the transition"]
/// );
/// ```
#[derive(Clone, Debug)]
pub struct Definition {
    pub(crate) start_at: String,
    pub(crate) states: Vec<(String, State)>,
    comment: Option<String>,
    timeout_seconds: Option<u32>,
}

impl Definition {
    /// A definition starting at the state named `start_at`.
    pub fn new(start_at: &str) -> Self {
        Definition {
            start_at: start_at.to_string(),
            states: Vec::new(),
            comment: None,
            timeout_seconds: None,
        }
    }

    /// Adds a state named `name` (unique in the whole state machine, at
    /// most 80 characters).
    pub fn state(mut self, name: &str, state: impl Into<State>) -> Self {
        self.states.push((name.to_string(), state.into()));
        self
    }

    /// A human-readable description.
    pub fn comment(mut self, comment: &str) -> Self {
        self.comment = Some(comment.to_string());
        self
    }

    /// Fails an execution running longer than this (top level only).
    pub fn timeout_seconds(mut self, seconds: u32) -> Self {
        self.timeout_seconds = Some(seconds);
        self
    }

    /// What Step Functions would reject about this definition; empty when
    /// it is valid.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut names = Vec::new();
        check(self, "", &mut names, &mut out);
        if self.timeout_seconds == Some(0) {
            out.push("TimeoutSeconds must be at least 1".to_string());
        }
        out
    }

    /// The ASL object, ARNs left as template references.
    pub(crate) fn render_raw(&self) -> Raw {
        let mut f = Vec::new();
        if let Some(c) = &self.comment {
            f.push(("Comment", Raw::from(c.as_str())));
        }
        f.push(("StartAt", Raw::from(self.start_at.as_str())));
        f.push((
            "States",
            Raw::Object(
                self.states
                    .iter()
                    .map(|(n, s)| (n.clone(), s.render()))
                    .collect(),
            ),
        ));
        if let Some(t) = self.timeout_seconds {
            f.push(("TimeoutSeconds", Raw::Int(i64::from(t))));
        }
        Raw::object(f)
    }

    /// The `DefinitionString`: plain JSON when every value is a literal,
    /// otherwise an `Fn::Sub` whose variables are the references (pseudo
    /// parameters and `Fn::Sub` ARNs are written inline).
    pub fn to_definition_string(&self) -> Value<String> {
        let raw = self.render_raw();
        let mut plain = Substitution::new(false);
        let json = plain.convert(&raw);
        if !plain.dynamic {
            return Value::Lit(json.to_string());
        }
        let mut sub = Substitution::new(true);
        let text = sub.convert(&raw).to_string();
        if sub.vars.is_empty() {
            Fn::sub(&text)
        } else {
            let vars: Vec<(String, Value<String>)> = sub
                .vars
                .into_iter()
                .map(|(raw, name)| (name, Value::expr(raw)))
                .collect();
            Fn::sub_with(&text, vars)
        }
    }

    /// Every task resource, nested branches and processors included.
    pub(crate) fn task_resources(&self) -> Vec<TaskResource> {
        let mut out = Vec::new();
        for (_, state) in &self.states {
            match state {
                State::Task(t) => out.push(t.resource.clone()),
                State::Parallel(p) => {
                    for b in &p.branches {
                        out.extend(b.task_resources());
                    }
                }
                State::Map(m) => out.extend(m.processor.task_resources()),
                _ => {}
            }
        }
        out
    }
}

/// Turns the unresolved ASL tree into JSON, replacing references with
/// `${...}` placeholders; with `escape`, literal `${` becomes `${!` as
/// `Fn::Sub` requires.
struct Substitution {
    escape: bool,
    dynamic: bool,
    vars: Vec<(Raw, String)>,
}

impl Substitution {
    fn new(escape: bool) -> Self {
        Substitution {
            escape,
            dynamic: false,
            vars: Vec::new(),
        }
    }

    fn text(&self, s: &str) -> Json {
        Json::String(if self.escape {
            s.replace("${", "${!")
        } else {
            s.to_string()
        })
    }

    fn literal(&self, j: &Json) -> Json {
        match j {
            Json::String(s) => self.text(s),
            Json::Array(a) => Json::Array(a.iter().map(|x| self.literal(x)).collect()),
            Json::Object(m) => Json::Object(
                m.iter()
                    .map(|(k, v)| {
                        (
                            self.text(k).as_str().unwrap_or(k).to_string(),
                            self.literal(v),
                        )
                    })
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    fn placeholder(&mut self, raw: &Raw) -> Json {
        self.dynamic = true;
        let name = match self.vars.iter().find(|(r, _)| r == raw) {
            Some((_, n)) => n.clone(),
            None => {
                let n = format!("Ref{}", self.vars.len());
                self.vars.push((raw.clone(), n.clone()));
                n
            }
        };
        Json::String(format!("${{{name}}}"))
    }

    fn convert(&mut self, raw: &Raw) -> Json {
        match raw {
            Raw::Null => Json::Null,
            Raw::Bool(b) => Json::Bool(*b),
            Raw::Int(i) => Json::from(*i),
            Raw::Float(x) => serde_json::Number::from_f64(*x).map_or(Json::Null, Json::Number),
            Raw::Str(s) => self.text(s),
            Raw::Json(j) => self.literal(j),
            Raw::List(items) => Json::Array(items.iter().map(|i| self.convert(i)).collect()),
            Raw::Ref(Target::Name(p)) if p.starts_with("AWS::") => {
                self.dynamic = true;
                Json::String(format!("${{{p}}}"))
            }
            Raw::Object(fields) => match fields.as_slice() {
                [(k, Raw::Str(s))] if k == "Fn::Sub" => {
                    self.dynamic = true;
                    Json::String(s.clone())
                }
                [(k, _)] if k.starts_with("Fn::") || k == "Ref" => self.placeholder(raw),
                _ => Json::Object(
                    fields
                        .iter()
                        .map(|(k, v)| (k.clone(), self.convert(v)))
                        .collect(),
                ),
            },
            Raw::Ref(_) | Raw::GetAtt(..) | Raw::Name(_) => self.placeholder(raw),
        }
    }
}

fn next_of(state: &State) -> Vec<&str> {
    let transition = match state {
        State::Task(t) => Some(&t.transition),
        State::Parallel(p) => Some(&p.transition),
        State::Map(m) => Some(&m.transition),
        State::Wait(w) => Some(&w.transition),
        State::Pass(p) => Some(&p.transition),
        _ => None,
    };
    let mut out: Vec<&str> = match transition {
        Some(Transition::Next(n)) => vec![n.as_str()],
        _ => Vec::new(),
    };
    if let State::Choice(c) = state {
        out.extend(c.choices.iter().map(|(_, n)| n.as_str()));
        out.extend(c.default.as_deref());
    }
    out.extend(catches(state).iter().map(|c| c.next.as_str()));
    out
}

fn catches(state: &State) -> &[Catch] {
    match state {
        State::Task(t) => &t.catches,
        State::Parallel(p) => &p.catches,
        State::Map(m) => &m.catches,
        _ => &[],
    }
}

fn retries(state: &State) -> &[Retry] {
    match state {
        State::Task(t) => &t.retries,
        State::Parallel(p) => &p.retries,
        State::Map(m) => &m.retries,
        _ => &[],
    }
}

fn check(def: &Definition, place: &str, names: &mut Vec<String>, out: &mut Vec<String>) {
    let defined = |n: &str| def.states.iter().any(|(m, _)| m == n);
    if def.states.is_empty() {
        out.push(format!("the definition{place} has no states"));
        return;
    }
    if !defined(&def.start_at) {
        out.push(format!(
            "StartAt{place} names \"{}\", which is not defined; add that state or start at another",
            def.start_at
        ));
    }
    for (name, state) in &def.states {
        if name.is_empty() || name.chars().count() > 80 {
            out.push(format!("state name {name:?} must be 1 to 80 characters"));
        }
        if names.contains(name) {
            out.push(format!(
                "state name \"{name}\" is used twice; names are unique in the whole state machine"
            ));
        }
        names.push(name.clone());
        for next in next_of(state) {
            if !defined(next) {
                out.push(format!(
                    "state \"{name}\" goes to \"{next}\", which is not defined; define it or fix the transition"
                ));
            }
        }
        for p in state_problems(state) {
            out.push(format!("state \"{name}\": {p}"));
        }
        match state {
            State::Parallel(p) => {
                if p.branches.is_empty() {
                    out.push(format!(
                        "state \"{name}\": a Parallel state needs at least one branch"
                    ));
                }
                for (i, b) in p.branches.iter().enumerate() {
                    check(
                        b,
                        &format!(" of branch {} of \"{name}\"", i + 1),
                        names,
                        out,
                    );
                }
            }
            State::Map(m) => check(
                &m.processor,
                &format!(" of \"{name}\"'s item processor"),
                names,
                out,
            ),
            _ => {}
        }
    }
    // Reachability from StartAt.
    let mut seen: Vec<&str> = Vec::new();
    let mut queue: VecDeque<&str> = VecDeque::from([def.start_at.as_str()]);
    while let Some(n) = queue.pop_front() {
        if seen.contains(&n) {
            continue;
        }
        seen.push(n);
        if let Some((_, s)) = def.states.iter().find(|(m, _)| m == n) {
            queue.extend(next_of(s));
        }
    }
    for (name, _) in &def.states {
        if !seen.contains(&name.as_str()) {
            out.push(format!(
                "state \"{name}\" is not reachable from StartAt \"{}\"{place}; link it with next(..) or remove it",
                def.start_at
            ));
        }
    }
}

fn state_problems(state: &State) -> Vec<String> {
    let mut out = Vec::new();
    let (transition, io) = match state {
        State::Task(t) => (Some(&t.transition), &t.io),
        State::Parallel(p) => (Some(&p.transition), &p.io),
        State::Map(m) => (Some(&m.transition), &m.io),
        State::Wait(w) => (Some(&w.transition), &w.io),
        State::Pass(p) => (Some(&p.transition), &p.io),
        State::Choice(c) => (None, &c.io),
        State::Succeed(s) => (None, &s.io),
        State::Fail(f) => (None, &f.io),
    };
    if transition == Some(&Transition::Unset) {
        out.push(format!(
            "a {} state needs Next or End; call next(..) or end()",
            state.type_name()
        ));
    }
    out.extend(io.paths().filter_map(path_problem));
    let retries = retries(state);
    let catches = catches(state);
    for (i, r) in retries.iter().enumerate() {
        out.extend(r.problems());
        if i + 1 < retries.len() && r.errors.iter().any(|e| e == "States.ALL") {
            out.push("the States.ALL retrier must be the last one".to_string());
        }
    }
    for (i, c) in catches.iter().enumerate() {
        out.extend(c.problems());
        if i + 1 < catches.len() && c.errors.iter().any(|e| e == "States.ALL") {
            out.push("the States.ALL catcher must be the last one".to_string());
        }
    }
    match state {
        State::Task(t) => {
            if t.timeout_seconds == Some(0) || t.heartbeat_seconds == Some(0) {
                out.push("TimeoutSeconds and HeartbeatSeconds must be at least 1".to_string());
            }
            if let (Some(h), Some(to)) = (t.heartbeat_seconds, t.timeout_seconds) {
                if h >= to {
                    out.push(format!(
                        "HeartbeatSeconds ({h}) must be below TimeoutSeconds ({to})"
                    ));
                }
            }
            if let TaskResource::Lambda(Value::Lit(arn))
            | TaskResource::LambdaInvoke(Value::Lit(arn)) = &t.resource
            {
                if !arn.starts_with("arn:") || !arn.contains(":function:") {
                    out.push(format!("{arn:?} is not a Lambda function ARN"));
                }
            }
        }
        State::Choice(c) => {
            if c.choices.is_empty() {
                out.push("a Choice state needs at least one rule; add when(..)".to_string());
            }
            for (cond, _) in &c.choices {
                out.extend(cond.problems());
            }
        }
        State::Map(m) => out.extend(m.items_path.as_deref().and_then(path_problem)),
        State::Wait(w) => match &w.wait {
            WaitFor::SecondsPath(p) | WaitFor::TimestampPath(p) => out.extend(path_problem(p)),
            WaitFor::Timestamp(t) if !(t.len() >= 20 && t.as_bytes().get(10) == Some(&b'T')) => out
                .push(format!(
                    "{t:?} is not an ISO 8601 timestamp such as 2026-01-01T00:00:00Z"
                )),
            _ => {}
        },
        _ => {}
    }
    out
}

impl ToRaw for Definition {
    fn to_raw(&self) -> Raw {
        self.render_raw()
    }
}
