//! Staff users and what they may do.

use serde::{Deserialize, Serialize};

use super::org::text_enum;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Permission {
    /// Can See API Settings: clients, logs, docs links.
    #[serde(rename = "api.settings.view")]
    ApiSettingsView,
    /// Can Manage API Settings: create, edit, reset, revoke and delete credentials.
    #[serde(rename = "api.settings.manage")]
    ApiSettingsManage,
}

text_enum!(Permission {
    Permission::ApiSettingsView => "api.settings.view",
    Permission::ApiSettingsManage => "api.settings.manage",
});

/// A staff member's permissions. The owner implicitly has them all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Permissions {
    granted: Vec<Permission>,
    owner: bool,
}

impl Permissions {
    pub fn new(granted: Vec<Permission>, owner: bool) -> Self {
        Permissions { granted, owner }
    }

    pub fn owner() -> Self {
        Permissions { granted: vec![], owner: true }
    }

    pub fn is_owner(&self) -> bool {
        self.owner
    }

    pub fn has(&self, permission: Permission) -> bool {
        // Managing settings includes seeing them.
        self.owner
            || self.granted.contains(&permission)
            || (permission == Permission::ApiSettingsView
                && self.granted.contains(&Permission::ApiSettingsManage))
    }

    /// Space-separated, as stored.
    pub fn to_db(&self) -> String {
        self.granted.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(" ")
    }

    pub fn from_db(granted: &str, owner: bool) -> Self {
        let granted = granted.split_whitespace().filter_map(|p| p.parse().ok()).collect();
        Permissions { granted, owner }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owner_has_everything_and_manage_implies_view() {
        assert!(Permissions::owner().has(Permission::ApiSettingsManage));
        let manager = Permissions::new(vec![Permission::ApiSettingsManage], false);
        assert!(manager.has(Permission::ApiSettingsView));
        let viewer = Permissions::new(vec![Permission::ApiSettingsView], false);
        assert!(viewer.has(Permission::ApiSettingsView));
        assert!(!viewer.has(Permission::ApiSettingsManage));
        assert!(!Permissions::default().has(Permission::ApiSettingsView));
    }

    #[test]
    fn stored_form_round_trips() {
        let p = Permissions::new(vec![Permission::ApiSettingsView], false);
        assert_eq!(p.to_db(), "api.settings.view");
        assert_eq!(Permissions::from_db(&p.to_db(), false), p);
    }
}
