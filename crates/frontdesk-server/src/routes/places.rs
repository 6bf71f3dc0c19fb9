use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use frontdesk_core::VisitorType;
use frontdesk_core::{LocationSettings, Portal};
use frontdesk_store::actions::{self, NewVisitorType, TenantLink};
use frontdesk_store::{Building, Location, Tenant};
use serde::Deserialize;

use super::{Body, Path};
use crate::auth::Authed;
use crate::{ApiError, AppState};

type Created<T> = Result<(StatusCode, Json<T>), ApiError>;

#[derive(Deserialize)]
pub struct NewBuilding {
    name: String,
    timezone: String,
}

pub async fn create_building(
    State(st): State<AppState>,
    Authed(a): Authed,
    Body(req): Body<NewBuilding>,
) -> Created<Building> {
    let b = st
        .write(a, move |tx, by| {
            actions::create_building(tx, by, &req.name, &req.timezone)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(b)))
}

pub async fn building(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<String>,
) -> Result<Json<Building>, ApiError> {
    Ok(Json(
        st.read(a, move |tx, by| actions::building(tx, by, &id))
            .await?,
    ))
}

#[derive(Deserialize)]
pub struct Named {
    name: String,
}

pub async fn create_tenant(
    State(st): State<AppState>,
    Authed(a): Authed,
    Body(req): Body<Named>,
) -> Created<Tenant> {
    let t = st
        .write(a, move |tx, by| actions::create_tenant(tx, by, &req.name))
        .await?;
    Ok((StatusCode::CREATED, Json(t)))
}

#[derive(Deserialize)]
pub struct NewLocation {
    name: String,
    building_id: String,
}

pub async fn create_location(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(tenant): Path<String>,
    Body(req): Body<NewLocation>,
) -> Created<Location> {
    let l = st
        .write(a, move |tx, by| {
            actions::create_location(tx, by, &tenant, &req.name, &req.building_id)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(l)))
}

pub async fn locations(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(tenant): Path<String>,
) -> Result<Json<Vec<Location>>, ApiError> {
    Ok(Json(
        st.read(a, move |tx, by| {
            actions::locations_of_tenant(tx, by, &tenant)
        })
        .await?,
    ))
}

pub async fn location(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<String>,
) -> Result<Json<Location>, ApiError> {
    Ok(Json(
        st.read(a, move |tx, by| actions::location(tx, by, &id))
            .await?,
    ))
}

#[derive(Deserialize)]
pub struct NewLink {
    tenant_id: String,
}

pub async fn link_tenant(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(building): Path<String>,
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

pub async fn unlink_tenant(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path((building, tenant)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    st.write(a, move |tx, by| {
        actions::unlink_tenant(tx, by, &building, &tenant)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn directory(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(building): Path<String>,
) -> Result<Json<Vec<actions::DirectoryEntry>>, ApiError> {
    Ok(Json(
        st.read(a, move |tx, by| actions::directory(tx, by, &building))
            .await?,
    ))
}

pub async fn tenant_links(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(building): Path<String>,
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

pub async fn create_building_visitor_type(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<String>,
    Body(req): Body<NewVisitorType>,
) -> Created<VisitorType> {
    create_visitor_type(st, a, Portal::building(id), req).await
}

pub async fn create_location_visitor_type(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<String>,
    Body(req): Body<NewVisitorType>,
) -> Created<VisitorType> {
    create_visitor_type(st, a, Portal::location(id), req).await
}

pub async fn building_visitor_types(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<String>,
) -> Result<Json<Vec<VisitorType>>, ApiError> {
    let p = Portal::building(id);
    Ok(Json(
        st.read(a, move |tx, by| actions::visitor_types(tx, by, &p))
            .await?,
    ))
}

pub async fn location_visitor_types(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<String>,
) -> Result<Json<Vec<VisitorType>>, ApiError> {
    let p = Portal::location(id);
    Ok(Json(
        st.read(a, move |tx, by| actions::visitor_types(tx, by, &p))
            .await?,
    ))
}

pub async fn settings(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<String>,
) -> Result<Json<LocationSettings>, ApiError> {
    Ok(Json(
        st.read(a, move |tx, by| actions::settings(tx, by, &id))
            .await?,
    ))
}

pub async fn save_settings(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<String>,
    Body(req): Body<LocationSettings>,
) -> Result<Json<LocationSettings>, ApiError> {
    Ok(Json(
        st.write(a, move |tx, by| actions::save_settings(tx, by, &id, req))
            .await?,
    ))
}
