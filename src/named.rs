//! Enums whose values have a name (flags, config file, JSON) and a help line, listed once.

/// Defines a fieldless enum from one list of `Variant = ("name", "help")` (the help line is
/// also the variant's doc), with `ALL`
/// (declaration order), `name_and_help`, and serde by those names, so a new value cannot be
/// forgotten by help, parsing or serialisation. The binary maps `ALL` to clap's values.
macro_rules! named_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = ($code:literal, $help:literal), )*
        }
    ) => {
        $(#[$meta])*
        pub enum $name {
            $( $(#[$vmeta])* #[doc = $help] $variant, )*
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The name flags and the config file take, and its help line.
            pub fn name_and_help(self) -> (&'static str, &'static str) {
                match self {
                    $( $name::$variant => ($code, $help), )*
                }
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.name_and_help().0)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.name_and_help().0 == text)
                    .ok_or_else(|| {
                        let names: Vec<&str> =
                            Self::ALL.iter().map(|v| v.name_and_help().0).collect();
                        serde::de::Error::custom(format!(
                            "unknown value {text:?}; expected one of: {}",
                            names.join(", ")
                        ))
                    })
            }
        }
    };
}
