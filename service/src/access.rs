//! Who may do what, to which instrument: one table, used by every handler.
//!
//! A key's permission for an action is the **union** of what each of its roles allows for that
//! action: the widest scope any of them grants. A role never widens another role's action it
//! does not itself grant (a mission organiser that is also an auditor may read every screening,
//! as an auditor may, but screens trade missions only, as a mission organiser does: an auditor
//! screens nothing).

use imvo_engine::Instrument;

use crate::auth::Role;

/// What a caller does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Action {
    /// `POST /v1/screenings`.
    Screen,
    /// `POST /v1/simulate`.
    Simulate,
    /// Read stored screenings (one, a list, an application's history).
    Read,
    /// `POST /v1/screenings/{id}/replay`.
    Replay,
    /// `POST /v1/screenings/{id}/review`.
    Review,
    /// Approve or reject another person's pending override
    /// (`POST /v1/screenings/{id}/review/{review_id}/approve`, `/reject`).
    ApproveReview,
    /// `POST /v1/batches`.
    UploadBatch,
    /// Read batches, their results and errors.
    ReadBatches,
    /// Read the policy packs.
    ReadPolicies,
    /// `GET /v1/audit/verify`.
    VerifyAudit,
    /// Create, list and revoke keys.
    ManageKeys,
}

impl Action {
    /// Every action.
    pub const ALL: [Action; 11] = [
        Action::Screen,
        Action::Simulate,
        Action::Read,
        Action::Replay,
        Action::Review,
        Action::ApproveReview,
        Action::UploadBatch,
        Action::ReadBatches,
        Action::ReadPolicies,
        Action::VerifyAudit,
        Action::ManageKeys,
    ];
}

/// How far a permission reaches, narrowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    /// Only what the key itself made (batches).
    Own,
    /// Trade-mission applications only.
    TradeMissions,
    /// Everything.
    All,
}

/// The table: what one role allows for one action (`None`: not at all). docs/api.md shows it.
#[must_use]
pub fn grant(role: Role, action: Action) -> Option<Scope> {
    use Action as A;
    use Scope::{All, Own, TradeMissions};
    match (role, action) {
        (Role::Analyst, A::Screen | A::Simulate | A::Read | A::Replay | A::Review) => Some(All),
        (Role::Analyst | Role::Admin, A::ApproveReview) => Some(All),
        (Role::Analyst, A::UploadBatch | A::ReadBatches | A::ReadPolicies) => Some(All),
        (Role::MissionOrganiser, A::Screen | A::Simulate | A::Read | A::Replay) => {
            Some(TradeMissions)
        }
        (Role::MissionOrganiser, A::UploadBatch) => Some(TradeMissions),
        (Role::MissionOrganiser, A::ReadBatches) => Some(Own),
        (Role::MissionOrganiser, A::ReadPolicies) => Some(All),
        (Role::Auditor, A::Read | A::Replay | A::ReadBatches | A::ReadPolicies) => Some(All),
        (Role::Auditor, A::VerifyAudit) => Some(All),
        (Role::Admin, A::ManageKeys) => Some(All),
        _ => None,
    }
}

/// The scope a set of roles has for `action`: the widest any of them grants.
#[must_use]
pub fn scope(roles: &[Role], action: Action) -> Option<Scope> {
    roles.iter().filter_map(|r| grant(*r, action)).max()
}

/// Whether a scope covers an application of `instrument`.
#[must_use]
pub fn covers(scope: Scope, instrument: Instrument) -> bool {
    match scope {
        Scope::All => true,
        Scope::TradeMissions => instrument == Instrument::TradeMission,
        Scope::Own => false,
    }
}

/// The roles that grant `action` at all (for the 403 message).
#[must_use]
pub fn roles_for(action: Action) -> Vec<Role> {
    Role::ALL
        .into_iter()
        .filter(|r| grant(*r, action).is_some())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pair_has_the_union_of_its_roles() {
        for a in Role::ALL {
            for b in Role::ALL {
                for action in Action::ALL {
                    let union = grant(a, action).max(grant(b, action));
                    assert_eq!(scope(&[a, b], action), union, "{a} + {b}, {action:?}");
                }
            }
        }
    }

    #[test]
    fn an_auditor_and_mission_organiser_screens_trade_missions_only() {
        let roles = [Role::MissionOrganiser, Role::Auditor];
        let screen = scope(&roles, Action::Screen).unwrap_or(Scope::Own);
        assert!(!covers(screen, Instrument::ExportCredit));
        assert!(covers(screen, Instrument::TradeMission));
        assert_eq!(scope(&roles, Action::Read), Some(Scope::All));
        assert_eq!(scope(&[Role::Auditor], Action::Screen), None);
    }
}
