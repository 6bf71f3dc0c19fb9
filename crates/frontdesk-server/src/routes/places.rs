use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use frontdesk_api::{
    Building, DirectoryEntry, Location, NewBuilding, NewLink, NewLocation, NewTenant,
    NewVisitorType, Tenant, TenantLink,
};
use frontdesk_core::{id, Id, VisitorType};
use frontdesk_core::{LocationSettings, Portal};
use frontdesk_store::actions;

use super::{Body, Path};
use crate::auth::Authed;
use crate::{ApiError, AppState};

type Created<T> = Result<(StatusCode, Json<T>), ApiError>;

/// Create a building (platform admins).
#[utoipa::path(post, path = "/api/v1/buildings", tag = "places", security(("bearer" = [])), 
    request_body = NewBuilding, responses((status = 201, body = Building)))]
pub async fn create_building(
    State(st): State<AppState>,
    Authed(a): Authed,
    Body(req): Body<NewBuilding>,
) -> Created<Building> {
    let b = st
        .write(a, move |tx, by| {
            actions::create_building(tx, by, &req.name, &req.timezone, req.language.as_deref())
        })
        .await?;
    Ok((StatusCode::CREATED, Json(b)))
}

/// A building.
#[utoipa::path(get, path = "/api/v1/buildings/{id}", tag = "places", security(("bearer" = [])), 
    params(("id" = String, Path, description = "Building id")), responses((status = 200, body = Building)))]
pub async fn building(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<id::Building>>,
) -> Result<Json<Building>, ApiError> {
    Ok(Json(
        st.read(a, move |tx, by| actions::building(tx, by, &id))
            .await?,
    ))
}

/// Create a tenant (platform admins).
#[utoipa::path(post, path = "/api/v1/tenants", tag = "places", security(("bearer" = [])), 
    request_body = NewTenant, responses((status = 201, body = Tenant)))]
pub async fn create_tenant(
    State(st): State<AppState>,
    Authed(a): Authed,
    Body(req): Body<NewTenant>,
) -> Created<Tenant> {
    let t = st
        .write(a, move |tx, by| actions::create_tenant(tx, by, &req.name))
        .await?;
    Ok((StatusCode::CREATED, Json(t)))
}

/// Open a location of the tenant in a building.
#[utoipa::path(post, path = "/api/v1/tenants/{id}/locations", tag = "places", security(("bearer" = [])), 
    params(("id" = String, Path, description = "Tenant id")), request_body = NewLocation, responses((status = 201, body = Location)))]
pub async fn create_location(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(tenant): Path<Id<id::Tenant>>,
    Body(req): Body<NewLocation>,
) -> Created<Location> {
    let l = st
        .write(a, move |tx, by| {
            actions::create_location(tx, by, &tenant, &req.name, &req.building_id)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(l)))
}

/// The tenant's locations.
#[utoipa::path(get, path = "/api/v1/tenants/{id}/locations", tag = "places", security(("bearer" = [])), 
    params(("id" = String, Path, description = "Tenant id")), responses((status = 200, body = Vec<Location>)))]
pub async fn locations(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(tenant): Path<Id<id::Tenant>>,
) -> Result<Json<Vec<Location>>, ApiError> {
    Ok(Json(
        st.read(a, move |tx, by| {
            actions::locations_of_tenant(tx, by, &tenant)
        })
        .await?,
    ))
}

/// A location.
#[utoipa::path(get, path = "/api/v1/locations/{id}", tag = "places", security(("bearer" = [])), 
    params(("id" = String, Path, description = "Location id")), responses((status = 200, body = Location)))]
pub async fn location(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<id::Location>>,
) -> Result<Json<Location>, ApiError> {
    Ok(Json(
        st.read(a, move |tx, by| actions::location(tx, by, &id))
            .await?,
    ))
}

/// Add a tenant to the building's tenant list (201 when new, 200 when it was already there).
#[utoipa::path(post, path = "/api/v1/buildings/{id}/tenant-links", tag = "places", security(("bearer" = [])), 
    params(("id" = String, Path, description = "Building id")), request_body = NewLink,
    responses((status = 201, body = TenantLink), (status = 200, body = TenantLink)))]
pub async fn link_tenant(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(building): Path<Id<id::Building>>,
    Body(req): Body<NewLink>,
) -> Created<TenantLink> {
    let (link, created) = st
        .write(a, move |tx, by| {
            actions::link_tenant(tx, by, &building, &req.tenant_id)
        })
        .await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(link)))
}

/// Take a tenant off the building's tenant list; pairs already linked stay linked.
#[utoipa::path(delete, path = "/api/v1/buildings/{id}/tenant-links/{tenant_id}", tag = "places", security(("bearer" = [])), 
    params(("id" = String, Path, description = "Building id"), ("tenant_id" = String, Path, description = "Tenant id")),
    responses((status = 204, description = "Unlinked")))]
pub async fn unlink_tenant(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path((building, tenant)): Path<(Id<id::Building>, Id<id::Tenant>)>,
) -> Result<StatusCode, ApiError> {
    st.write(a, move |tx, by| {
        actions::unlink_tenant(tx, by, &building, &tenant)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The building's tenant locations, for a desk picking where a visitor goes.
#[utoipa::path(get, path = "/api/v1/buildings/{id}/directory", tag = "places", security(("bearer" = [])), 
    params(("id" = String, Path, description = "Building id")), responses((status = 200, body = Vec<DirectoryEntry>)))]
pub async fn directory(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(building): Path<Id<id::Building>>,
) -> Result<Json<Vec<DirectoryEntry>>, ApiError> {
    Ok(Json(
        st.read(a, move |tx, by| actions::directory(tx, by, &building))
            .await?,
    ))
}

/// The building's tenant list.
#[utoipa::path(get, path = "/api/v1/buildings/{id}/tenant-links", tag = "places", security(("bearer" = [])), 
    params(("id" = String, Path, description = "Building id")), responses((status = 200, body = Vec<TenantLink>)))]
pub async fn tenant_links(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(building): Path<Id<id::Building>>,
) -> Result<Json<Vec<TenantLink>>, ApiError> {
    Ok(Json(
        st.read(a, move |tx, by| actions::tenant_links(tx, by, &building))
            .await?,
    ))
}

async fn create_visitor_type(
    st: AppState,
    a: frontdesk_core::Actor,
    portal: Portal,
    req: NewVisitorType,
) -> Created<VisitorType> {
    let vt = st
        .write(a, move |tx, by| {
            actions::create_visitor_type(tx, by, &portal, &req)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(vt)))
}

/// Create a visitor type of the Building Portal.
#[utoipa::path(post, path = "/api/v1/buildings/{id}/visitor-types", tag = "places", security(("bearer" = [])), 
    params(("id" = String, Path, description = "Building id")), request_body = NewVisitorType, responses((status = 201, body = VisitorType)))]
pub async fn create_building_visitor_type(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<id::Building>>,
    Body(req): Body<NewVisitorType>,
) -> Created<VisitorType> {
    create_visitor_type(st, a, Portal::building(id), req).await
}

/// Create a visitor type of a location's portal.
#[utoipa::path(post, path = "/api/v1/locations/{id}/visitor-types", tag = "places", security(("bearer" = [])), 
    params(("id" = String, Path, description = "Location id")), request_body = NewVisitorType, responses((status = 201, body = VisitorType)))]
pub async fn create_location_visitor_type(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<id::Location>>,
    Body(req): Body<NewVisitorType>,
) -> Created<VisitorType> {
    create_visitor_type(st, a, Portal::location(id), req).await
}

/// The Building Portal's visitor types.
#[utoipa::path(get, path = "/api/v1/buildings/{id}/visitor-types", tag = "places", security(("bearer" = [])), 
    params(("id" = String, Path, description = "Building id")), responses((status = 200, body = Vec<VisitorType>)))]
pub async fn building_visitor_types(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<id::Building>>,
) -> Result<Json<Vec<VisitorType>>, ApiError> {
    let p = Portal::building(id);
    Ok(Json(
        st.read(a, move |tx, by| actions::visitor_types(tx, by, &p))
            .await?,
    ))
}

/// A location's visitor types.
#[utoipa::path(get, path = "/api/v1/locations/{id}/visitor-types", tag = "places", security(("bearer" = [])), 
    params(("id" = String, Path, description = "Location id")), responses((status = 200, body = Vec<VisitorType>)))]
pub async fn location_visitor_types(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<id::Location>>,
) -> Result<Json<Vec<VisitorType>>, ApiError> {
    let p = Portal::location(id);
    Ok(Json(
        st.read(a, move |tx, by| actions::visitor_types(tx, by, &p))
            .await?,
    ))
}

/// The location's settings (tenant and platform admins).
#[utoipa::path(get, path = "/api/v1/locations/{id}/settings", tag = "places", security(("bearer" = [])), 
    params(("id" = String, Path, description = "Location id")), responses((status = 200, body = LocationSettings)))]
pub async fn settings(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<id::Location>>,
) -> Result<Json<LocationSettings>, ApiError> {
    Ok(Json(
        st.read(a, move |tx, by| actions::settings(tx, by, &id))
            .await?,
    ))
}

/// Save the location's settings.
#[utoipa::path(put, path = "/api/v1/locations/{id}/settings", tag = "places", security(("bearer" = [])), 
    params(("id" = String, Path, description = "Location id")), request_body = LocationSettings, responses((status = 200, body = LocationSettings)))]
pub async fn save_settings(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<id::Location>>,
    Body(req): Body<LocationSettings>,
) -> Result<Json<LocationSettings>, ApiError> {
    Ok(Json(
        st.write(a, move |tx, by| actions::save_settings(tx, by, &id, req))
            .await?,
    ))
}
