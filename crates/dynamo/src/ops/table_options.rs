//! The table options besides keys and indexes: billing mode, DynamoDB Streams,
//! server-side encryption and the table class.
//!
//! Each is a small request structure with a few rules of its own, shared by CreateTable
//! and UpdateTable. As with table definitions, parsing reports wrong JSON types, shape
//! checks collect constraint violations, and the semantic rules return DynamoDB's
//! messages ("SSEType can not be specified if Enabled is false").
//!
//! Encryption is simulated without KMS: every key id, alias or ARN the request names is
//! accepted and turned into a deterministic key ARN, and the AWS managed key
//! (`alias/aws/dynamodb`) gets a fixed id in this account. DynamoDB's ~20 s re-encryption
//! phase (SSEDescription.Status UPDATING) is not modelled; encryption is ENABLED at once.

use crate::db::Settings;
use crate::error::{DynamoError, Result};
use crate::ops::table_spec::invalid;
use crate::request::{Fields, Violations};
use crate::table::def::{StreamViewType, TableClass};

/// BillingMode's values, in the order AWS lists them in its enum constraint message.
pub(crate) const BILLING_MODES: [&str; 2] = ["PROVISIONED", "PAY_PER_REQUEST"];

/// StreamViewType's values, in the API model's order.
const STREAM_VIEW_TYPES: [&str; 4] = ["NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY"];

/// A StreamSpecification as the request gave it.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct StreamRequest {
    pub enabled: Option<bool>,
    pub view_type: Option<String>,
}

impl StreamRequest {
    pub(crate) fn parse(fields: &Fields<'_>) -> Result<Option<StreamRequest>> {
        let Some(map) = fields.object("StreamSpecification")? else {
            return Ok(None);
        };
        let inner = Fields::of_map(map);
        Ok(Some(StreamRequest {
            enabled: inner.boolean("StreamEnabled")?,
            view_type: inner.string("StreamViewType")?.map(str::to_string),
        }))
    }

    pub(crate) fn check_shape(&self, v: &mut Violations) {
        v.not_null("streamSpecification.streamEnabled", self.enabled);
        v.one_of(
            "streamSpecification.streamViewType",
            self.view_type.as_deref(),
            &STREAM_VIEW_TYPES,
        );
    }

    /// The view type, once shape checks passed.
    pub(crate) fn view(&self) -> Option<StreamViewType> {
        self.view_type.as_deref().and_then(StreamViewType::parse)
    }

    pub(crate) fn is_enabled(&self) -> bool {
        self.enabled == Some(true)
    }
}

/// An SSESpecification as the request gave it.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct SseRequest {
    pub enabled: Option<bool>,
    pub sse_type: Option<String>,
    pub kms_master_key_id: Option<String>,
}

impl SseRequest {
    pub(crate) fn parse(fields: &Fields<'_>) -> Result<Option<SseRequest>> {
        let Some(map) = fields.object("SSESpecification")? else {
            return Ok(None);
        };
        let inner = Fields::of_map(map);
        Ok(Some(SseRequest {
            enabled: inner.boolean("Enabled")?,
            sse_type: inner.string("SSEType")?.map(str::to_string),
            kms_master_key_id: inner.string("KMSMasterKeyId")?.map(str::to_string),
        }))
    }

    pub(crate) fn check_shape(&self, v: &mut Violations) {
        v.one_of(
            "sSESpecification.sSEType",
            self.sse_type.as_deref(),
            &["AES256", "KMS"],
        );
    }

    /// DynamoDB's rules for combining the three members.
    pub(crate) fn check(&self) -> Result<()> {
        if self.enabled == Some(false) && self.sse_type.is_some() {
            return Err(invalid("SSEType can not be specified if Enabled is false"));
        }
        if self.enabled == Some(false) && self.kms_master_key_id.is_some() {
            return Err(invalid(
                "KMSMasterKeyId can not be specified if Enabled is false",
            ));
        }
        if self.sse_type.as_deref() == Some("AES256") {
            return Err(invalid("SSEType AES256 is not supported"));
        }
        if self.kms_master_key_id.is_some() && self.sse_type.as_deref() != Some("KMS") {
            return Err(invalid(
                "SSEType KMS is required if KMSMasterKeyId is specified",
            ));
        }
        Ok(())
    }

    /// Whether the request asks for a KMS key (an explicit `Enabled: true`, or
    /// `SSEType: KMS` on its own); otherwise the table uses the AWS owned key.
    pub(crate) fn wants_kms(&self) -> bool {
        self.enabled.unwrap_or(false) || self.sse_type.as_deref() == Some("KMS")
    }

    /// The ARN of the KMS key the request names, or of the AWS managed key.
    pub(crate) fn key_arn(&self, settings: &Settings) -> String {
        kms_key_arn(self.kms_master_key_id.as_deref(), settings)
    }
}

/// A deterministic key id in UUID form for a KMS alias.
fn key_id_for_alias(alias: &str) -> String {
    // FNV-1a: stable across platforms and runs, unlike a HashMap hasher.
    let hash = alias.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        (hash >> 32) as u32,
        (hash >> 16) & 0xffff,
        (hash >> 4) & 0xfff,
        hash & 0xfff,
        hash.rotate_left(17) & 0xffff_ffff_ffff
    )
}

/// Resolves a KMSMasterKeyId (key id, key ARN, alias name or alias ARN) to a key ARN.
pub(crate) fn kms_key_arn(key: Option<&str>, settings: &Settings) -> String {
    let region = &settings.region;
    let account = &settings.account_id;
    let key_id = match key {
        None => key_id_for_alias("alias/aws/dynamodb"),
        Some(arn) if arn.starts_with("arn:") => match arn.split_once(":alias/") {
            Some((_, alias)) => key_id_for_alias(&format!("alias/{alias}")),
            None => return arn.to_string(),
        },
        Some(alias) if alias.starts_with("alias/") => key_id_for_alias(alias),
        Some(id) => id.to_string(),
    };
    format!("arn:aws:kms:{region}:{account}:key/{key_id}")
}

/// A TableClass value, or DynamoDB's message for one it does not know.
pub(crate) fn table_class(name: Option<&str>) -> Result<Option<TableClass>> {
    match name {
        None => Ok(None),
        Some(name) => TableClass::parse(name).map(Some).ok_or_else(|| {
            DynamoError::validation(
                "Invalid table-class parameter provided. Please try again with a valid table-class value: [STANDARD, STANDARD_INFREQUENT_ACCESS].",
            )
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sse_rules_in_order() {
        let req = |enabled: Option<bool>, t: Option<&str>, k: Option<&str>| SseRequest {
            enabled,
            sse_type: t.map(str::to_string),
            kms_master_key_id: k.map(str::to_string),
        };
        let message = |r: SseRequest| r.check().unwrap_err().message;
        assert_eq!(
            message(req(Some(false), Some("KMS"), None)),
            "One or more parameter values were invalid: SSEType can not be specified if Enabled is false"
        );
        assert_eq!(
            message(req(Some(false), None, Some("k"))),
            "One or more parameter values were invalid: KMSMasterKeyId can not be specified if Enabled is false"
        );
        assert_eq!(
            message(req(Some(true), Some("AES256"), None)),
            "One or more parameter values were invalid: SSEType AES256 is not supported"
        );
        assert_eq!(
            message(req(Some(true), None, Some("k"))),
            "One or more parameter values were invalid: SSEType KMS is required if KMSMasterKeyId is specified"
        );
        assert!(req(None, Some("KMS"), None).wants_kms());
        assert!(!req(Some(false), None, None).wants_kms());
    }

    #[test]
    fn kms_keys_resolve_deterministically() {
        let settings = Settings::default();
        let managed = kms_key_arn(None, &settings);
        assert!(managed.starts_with("arn:aws:kms:us-east-1:000000000000:key/"));
        assert_eq!(managed, kms_key_arn(Some("alias/aws/dynamodb"), &settings));
        assert_eq!(
            kms_key_arn(Some("1234abcd-12ab-34cd-56ef-1234567890ab"), &settings),
            "arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab"
        );
        assert_ne!(kms_key_arn(Some("alias/mine"), &settings), managed);
    }

    #[test]
    fn table_classes() {
        assert_eq!(
            table_class(Some("STANDARD")).unwrap(),
            Some(TableClass::Standard)
        );
        assert!(
            table_class(Some("standard"))
                .unwrap_err()
                .message
                .starts_with("Invalid table-class")
        );
    }
}
