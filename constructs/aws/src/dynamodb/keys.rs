//! Key attributes and secondary indexes of a DynamoDB table.

/// The scalar type of a key attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttributeType {
    /// `S`
    String,
    /// `N`
    Number,
    /// `B`
    Binary,
}

impl AttributeType {
    /// The CloudFormation spelling: `S`, `N` or `B`.
    pub fn code(self) -> &'static str {
        match self {
            AttributeType::String => "S",
            AttributeType::Number => "N",
            AttributeType::Binary => "B",
        }
    }
}

/// A key attribute: its name and type.
///
/// ```
/// use strata::dynamodb::{Attribute, AttributeType};
/// let key = Attribute::string("sessionId");
/// assert_eq!(key.kind, AttributeType::String);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attribute {
    /// The attribute name.
    pub name: String,
    /// The attribute type.
    pub kind: AttributeType,
}

impl Attribute {
    /// A string key attribute.
    pub fn string(name: &str) -> Attribute {
        Attribute {
            name: name.to_string(),
            kind: AttributeType::String,
        }
    }

    /// A number key attribute.
    pub fn number(name: &str) -> Attribute {
        Attribute {
            name: name.to_string(),
            kind: AttributeType::Number,
        }
    }

    /// A binary key attribute.
    pub fn binary(name: &str) -> Attribute {
        Attribute {
            name: name.to_string(),
            kind: AttributeType::Binary,
        }
    }
}

/// Which attributes an index copies from the table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Projection {
    /// Every attribute.
    #[default]
    All,
    /// Only the table and index keys.
    KeysOnly,
    /// The keys and these non-key attributes (at most 100 across the
    /// table's indexes).
    Include(Vec<String>),
}

/// A global secondary index.
///
/// ```
/// use strata::dynamodb::{Attribute, GlobalSecondaryIndex};
/// let by_type = GlobalSecondaryIndex::new("TypeIndex", Attribute::string("eventType"))
///     .sort_key(Attribute::string("timestamp"));
/// assert_eq!(by_type.name, "TypeIndex");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct GlobalSecondaryIndex {
    /// The index name.
    pub name: String,
    /// The index's partition key.
    pub partition_key: Attribute,
    /// The index's sort key, if any.
    pub sort_key: Option<Attribute>,
    /// The projected attributes.
    pub projection: Projection,
    /// Read and write capacity units; required when the table is
    /// provisioned, rejected when it is on demand.
    pub capacity: Option<(i64, i64)>,
}

impl GlobalSecondaryIndex {
    /// An index projecting all attributes, with no sort key.
    pub fn new(name: &str, partition_key: Attribute) -> GlobalSecondaryIndex {
        GlobalSecondaryIndex {
            name: name.to_string(),
            partition_key,
            sort_key: None,
            projection: Projection::All,
            capacity: None,
        }
    }

    /// Sets the sort key.
    pub fn sort_key(mut self, key: Attribute) -> Self {
        self.sort_key = Some(key);
        self
    }

    /// Sets the projection.
    pub fn projection(mut self, projection: Projection) -> Self {
        self.projection = projection;
        self
    }

    /// Sets provisioned read and write capacity units.
    pub fn capacity(mut self, read: i64, write: i64) -> Self {
        self.capacity = Some((read, write));
        self
    }
}

/// A local secondary index: the table's partition key with another sort key.
///
/// ```
/// use strata::dynamodb::{Attribute, LocalSecondaryIndex};
/// let by_status = LocalSecondaryIndex::new("StatusIndex", Attribute::string("status"));
/// assert_eq!(by_status.sort_key.name, "status");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct LocalSecondaryIndex {
    /// The index name.
    pub name: String,
    /// The index's sort key.
    pub sort_key: Attribute,
    /// The projected attributes.
    pub projection: Projection,
}

impl LocalSecondaryIndex {
    /// An index projecting all attributes.
    pub fn new(name: &str, sort_key: Attribute) -> LocalSecondaryIndex {
        LocalSecondaryIndex {
            name: name.to_string(),
            sort_key,
            projection: Projection::All,
        }
    }

    /// Sets the projection.
    pub fn projection(mut self, projection: Projection) -> Self {
        self.projection = projection;
        self
    }
}
