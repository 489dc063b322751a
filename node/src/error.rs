//! Library errors as `PlasmiteNativeError` instances: the JS class is
//! registered once per environment and each error is built with its kind,
//! seq, path, offset and hint as fields (callers branch on `kind`).

use napi::{Env, JsFunction, JsObject, JsUnknown, Ref, Status};
use plasmite::Error;

/// A result whose error, when it comes from the library, is already thrown.
pub type NResult<T> = napi::Result<T>;

struct ErrorClass(Ref<()>);

pub fn register_class(env: &Env, class: JsFunction) -> napi::Result<()> {
    let r = env.create_reference(class)?;
    env.set_instance_data(ErrorClass(r), (), |mut ctx| {
        let _ = ctx.value.0.unref(ctx.env);
    })
}

/// Throws `e` as a `PlasmiteNativeError` and returns the marker napi uses
/// for "an exception is already pending".
pub fn js_err(env: &Env, e: Error) -> napi::Error {
    match build(env, &e).and_then(|obj| env.throw(obj)) {
        Ok(()) => napi::Error::new(Status::PendingException, String::new()),
        Err(_) => napi::Error::new(Status::GenericFailure, format!("{}: {}", e.kind(), e.message())),
    }
}

pub fn usage(env: &Env, message: impl Into<String>) -> napi::Error {
    js_err(env, Error::usage(message))
}

pub fn closed(env: &Env, what: &str) -> napi::Error {
    usage(env, format!("this {what} is closed"))
}

/// `e` as a `PlasmiteNativeError` value, not thrown (for promises settled
/// from another thread, which index.js throws).
pub fn error_value(env: &Env, e: &Error) -> napi::Result<JsUnknown> {
    Ok(build(env, e)?.into_unknown())
}

fn build(env: &Env, e: &Error) -> napi::Result<JsObject> {
    let class: JsFunction = match env.get_instance_data::<ErrorClass>()? {
        Some(c) => env.get_reference_value(&c.0)?,
        None => return Err(napi::Error::from_reason("error class not registered")),
    };
    let mut fields = env.create_object()?;
    fields.set_named_property("kind", env.create_string(e.kind().as_str())?)?;
    if let Some(seq) = e.seq() {
        fields.set_named_property("seq", env.create_double(seq as f64)?)?;
    }
    if let Some(p) = e.path() {
        fields.set_named_property("path", env.create_string(&p.display().to_string())?)?;
    }
    if let Some(o) = e.offset() {
        fields.set_named_property("offset", env.create_double(o as f64)?)?;
    }
    if let Some(h) = e.hint() {
        fields.set_named_property("hint", env.create_string(h)?)?;
    }
    let message: JsUnknown = env.create_string(e.message())?.into_unknown();
    class.new_instance(&[message, fields.into_unknown()])
}
