//! A field of a PATCH body that may clear a nullable column: absent means
//! no change, `null` clears it, a value sets it (as Svix's
//! `UnrequiredNullableField`). Fields of this type carry `#[serde(default)]`.

use serde::{Deserialize, Deserializer};

#[derive(Debug, Clone, Default, PartialEq)]
pub enum Patch<T> {
    #[default]
    Absent,
    Null,
    Value(T),
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Patch<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Only called when the field is there: null or a value.
        Ok(match Option::<T>::deserialize(deserializer)? {
            Some(value) => Patch::Value(value),
            None => Patch::Null,
        })
    }
}

impl<T> Patch<T> {
    /// The value being set, if one is.
    pub fn value(&self) -> Option<&T> {
        match self {
            Patch::Value(value) => Some(value),
            _ => None,
        }
    }

    /// None: leave the column; Some(None): clear it; Some(Some(v)): set it.
    pub fn change(self) -> Option<Option<T>> {
        match self {
            Patch::Absent => None,
            Patch::Null => Some(None),
            Patch::Value(value) => Some(Some(value)),
        }
    }
}

impl Patch<String> {
    pub fn as_deref(&self) -> Option<&str> {
        self.value().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::Patch;

    #[derive(serde::Deserialize)]
    struct Changes {
        #[serde(default)]
        iata: Patch<String>,
    }

    #[test]
    fn absent_null_and_a_value_are_three_things() {
        let read = |json: &str| serde_json::from_str::<Changes>(json).unwrap().iata;
        assert_eq!(read("{}"), Patch::Absent);
        assert_eq!(read(r#"{"iata": null}"#), Patch::Null);
        assert_eq!(read(r#"{"iata": "AMS"}"#), Patch::Value("AMS".to_string()));
    }
}
